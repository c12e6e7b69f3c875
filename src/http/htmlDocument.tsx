import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

/**
 * The HTML shell every server-rendered page shares: Vietnamese, phone-width viewport, kept out of search engines,
 * its own styles; `script` loads the staff pages' script, `live` marks a page that follows the live stream.
 */
export function HtmlDocument(props: { title: string; css: string; script?: boolean; live?: boolean; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="vi">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{props.title}</title>
          <style>{raw(props.css)}</style>
          {props.script ? <script src="/static/staff.js" defer></script> : null}
        </head>
        <body data-live={props.live ? '1' : undefined}>{props.children}</body>
      </html>
    </>
  );
}
