import type { Child } from 'hono/jsx';
import { createMiddleware } from 'hono/factory';
import type { StaffEnv } from '../auth/session';
import { CSRF_FIELD } from '../auth/session';
import { CsrfField } from './layout';
import { page, type StaffContext } from './ui';
import { type Column, RowsTable } from './uiParts';

/**
 * The second step of an action that changes what cadres see or tells them something: what will happen, how many
 * cadres will be told, and one button that carries the same form again with `confirm=1`.
 */
export function ConfirmBox(props: {
  action: string;
  token: string;
  /** The submitted fields, carried unchanged. */
  fields: Record<string, string | string[] | undefined>;
  /** How many cadres will be told (shown in words, also when none). */
  told: number;
  /** How they will be told, e.g. "qua Zalo". */
  toldHow?: string;
  confirmLabel: string;
  cancelHref: string;
  danger?: boolean;
  children: Child;
}) {
  return (
    <form method="post" action={props.action} class="card" id="confirm">
      <CsrfField token={props.token} />
      {Object.entries(props.fields).flatMap(([name, value]) =>
        value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => <input type="hidden" name={name} value={v} />),
      )}
      <input type="hidden" name="confirm" value="1" />
      {props.children}
      <p id="told-count" class={props.told ? 'flash warn' : 'muted'}>
        {props.told
          ? `Sẽ báo cho ${props.told} cán bộ${props.toldHow ? ` ${props.toldHow}` : ''}.`
          : 'Không có cán bộ nào cần báo.'}
      </p>
      <p class="actions">
        <button class={`btn${props.danger ? ' danger' : ''}`} type="submit">
          {props.confirmLabel}
        </button>
        <a class="btn secondary" href={props.cancelHref}>
          Quay lại
        </a>
      </p>
    </form>
  );
}

/** What a destructive action asks before it runs. */
export interface ConfirmQuestion {
  /** The page title, a question: "Khóa tài khoản?" */
  title: string;
  /** What will happen, in a sentence or two (who is affected, what cannot be undone). */
  text: Child;
  /** The label of the button that goes ahead: "Khóa tài khoản". */
  confirmLabel: string;
  /** Where "Không" leads: the page the action was started from. */
  back: string;
}

export type FormFields = Record<string, string | string[]>;

/**
 * A destructive form post runs only once confirmed: the first post (without `confirm=1`) answers a page that says
 * what will happen and posts the same fields again with `confirm=1`. Works without a script, so every way of
 * posting (a button, a test, a bookmark replayed) meets the question. `ask` returns null when this post needs no
 * confirmation (a campaign opened rather than closed, an account saved without locking it).
 * Put it after the permission check, so a role that may not act never sees the question.
 */
export function confirmFirst(committeeName: string | (() => string), ask: (c: StaffContext, form: FormFields) => ConfirmQuestion | null) {
  return createMiddleware<StaffEnv>(async (c, next) => {
    const body = await c.req.parseBody({ all: true });
    const form: FormFields = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === CSRF_FIELD || k === 'confirm') continue;
      const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      form[k] = Array.isArray(v) ? values : (values[0] ?? '');
    }
    if (body.confirm === '1') return next();
    const q = ask(c, form);
    if (!q) return next();
    return page(
      c,
      typeof committeeName === 'function' ? committeeName() : committeeName,
      q.title,
      <form method="post" action={c.req.path} class="card confirm-step">
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="confirm" value="1" />
        {Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => <input type="hidden" name={k} value={x} />))}
        <p style="margin-top:0">{q.text}</p>
        <div class="actions">
          <a class="btn secondary" href={q.back}>
            Không, quay lại
          </a>
          <button class="btn danger" type="submit">
            {q.confirmLabel}
          </button>
        </div>
      </form>,
    );
  });
}

type Change = { label: string; from: string; to: string };

const changeColumns: Column<Change>[] = [
  { label: 'Mục', cell: (ch) => ch.label },
  { label: 'Trước', cell: (ch) => ch.from || '(trống)' },
  { label: 'Sau', cell: (ch) => <b>{ch.to || '(trống)'}</b> },
];

/** What a confirmed edit changes, one row a field: before → after. */
export function ChangeTable(props: { changes: Change[] }) {
  return <RowsTable id="changes" columns={changeColumns} rows={props.changes} />;
}
