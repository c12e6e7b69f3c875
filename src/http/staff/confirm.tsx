import type { Child } from 'hono/jsx';
import { CsrfField } from './layout';

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
