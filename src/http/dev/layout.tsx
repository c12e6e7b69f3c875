import type { Child } from 'hono/jsx';
import { HtmlDocument } from '../htmlDocument';

/** Shared frame of the simulator pages: a top bar with the three places a demo visitor needs. */

export type DevSection = 'chat' | 'mail';

const css = `
*{box-sizing:border-box}
html{font-size:20px}
body{margin:0;font-family:"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;color:#1b2733;background:#eef1f5;line-height:1.45}
a{color:#0b5ed7}
button,input,textarea,select{font:inherit}
.topbar{display:flex;align-items:center;gap:1.2rem;flex-wrap:wrap;padding:.6rem 1.2rem;background:#0068ff;color:#fff}
.topbar .brand{font-weight:700;font-size:1.05rem;margin-right:auto}
.topbar .brand small{font-weight:400;opacity:.85;margin-left:.4rem;font-size:.8rem}
.topbar a{color:#fff;text-decoration:none;padding:.3rem .7rem;border-radius:.5rem;font-size:.9rem}
.topbar a[aria-current=page]{background:rgba(255,255,255,.22);font-weight:600}
.topbar a:hover{background:rgba(255,255,255,.15)}
main{padding:1rem;max-width:1200px;margin:0 auto}
.panel{background:#fff;border-radius:.8rem;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:1rem 1.1rem}
.panel h2{margin:.1rem 0 .7rem;font-size:1.05rem}
.muted{color:#5c6b7a;font-size:.8rem}
label{display:block;font-size:.85rem;font-weight:600;margin:.5rem 0 .2rem}
input[type=text],input[type=tel]{width:100%;padding:.5rem .7rem;border:1px solid #b8c4d0;border-radius:.5rem;background:#fff}
input:focus,textarea:focus,button:focus-visible{outline:3px solid #80b3ff;outline-offset:1px}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:.4rem;min-height:2.4rem;padding:.4rem 1rem;border-radius:.6rem;border:1px solid #0068ff;background:#0068ff;color:#fff;font-weight:600;cursor:pointer;text-decoration:none}
.btn:hover{background:#0057d6}
.btn.secondary{background:#fff;color:#0068ff}
.btn.secondary:hover{background:#eaf2ff}
.btn:disabled{opacity:.5;cursor:default}
.error{color:#b42318;font-size:.85rem;min-height:1.2em;margin:.3rem 0 0}
`;

export function DevLayout(props: { title: string; section: DevSection; css?: string; children?: Child }) {
  return (
    <HtmlDocument title={`${props.title} · CadreCare (mô phỏng)`} css={css + (props.css ?? '')}>
      <header class="topbar">
        <span class="brand">
          CadreCare<small>trình mô phỏng, không dùng Zalo thật</small>
        </span>
        <nav aria-label="Trang mô phỏng">
          <a href="/dev/chat" aria-current={props.section === 'chat' ? 'page' : undefined}>
            Trò chuyện Zalo
          </a>
          <a href="/dev/mail" aria-current={props.section === 'mail' ? 'page' : undefined}>
            Hộp thư
          </a>
          <a href="/staff/login">Trang nhân viên</a>
        </nav>
      </header>
      <main>{props.children}</main>
    </HtmlDocument>
  );
}

/** Embeds data for inline scripts as JSON that cannot close the script element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
