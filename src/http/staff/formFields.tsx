import type { Child } from 'hono/jsx';

/** A form field: its label above any control (a date input, a choice of clinics…) in the form's grid. */
export function Field(props: { label: Child; for: string; wide?: boolean; children: Child }) {
  return (
    <div class={props.wide ? 'wide' : undefined}>
      <label for={props.for}>{props.label}</label>
      {props.children}
    </div>
  );
}

type InputAttributes = {
  type?: 'text' | 'search' | 'number' | 'time' | 'email' | 'tel' | 'password';
  value?: string;
  required?: boolean;
  placeholder?: string;
  min?: string;
  max?: string;
  maxlength?: number;
  inputmode?: 'numeric' | 'text' | 'tel';
  autocomplete?: string;
  pattern?: string;
  style?: string;
};

/** A labelled one-line input; `id` defaults to the name. */
export function InputField(props: { name: string; id?: string; label: Child; wide?: boolean } & InputAttributes) {
  const { name, id, label, wide, type, ...attributes } = props;
  return (
    <Field label={label} for={id ?? name} wide={wide}>
      <input type={type ?? 'text'} id={id ?? name} name={name} {...attributes} />
    </Field>
  );
}

/** A labelled text area; `id` defaults to the name. */
export function TextAreaField(props: { name: string; id?: string; label: Child; rows: number; value?: string; maxlength?: number; wide?: boolean }) {
  const id = props.id ?? props.name;
  return (
    <Field label={props.label} for={id} wide={props.wide}>
      <textarea id={id} name={props.name} rows={props.rows} maxlength={props.maxlength}>
        {props.value ?? ''}
      </textarea>
    </Field>
  );
}

/** A labelled drop-down of fixed choices; `id` defaults to the name. */
export function SelectField(props: {
  name: string;
  id?: string;
  label: Child;
  options: readonly { value: string; label: string }[];
  selected?: string;
  /** A first choice without a value ("Tất cả"). */
  empty?: string;
  wide?: boolean;
}) {
  const id = props.id ?? props.name;
  return (
    <Field label={props.label} for={id} wide={props.wide}>
      <select id={id} name={props.name}>
        {props.empty === undefined ? null : <option value="">{props.empty}</option>}
        {props.options.map((o) => (
          <option value={o.value} selected={props.selected === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The button that sends a form, on its own line under the fields. */
export function SubmitRow(props: { label: Child; class?: string }) {
  return (
    <p>
      <button class={props.class ?? 'btn'} type="submit">
        {props.label}
      </button>
    </p>
  );
}

/** The buttons of a filter form: apply, and (with `clearHref`) back to the unfiltered list. */
export function FilterButtons(props: { submit?: string; clearHref?: string }) {
  return (
    <div class="actions">
      <button class="btn" type="submit">
        {props.submit ?? 'Lọc'}
      </button>
      {props.clearHref ? (
        <a class="btn secondary" href={props.clearHref}>
          Xóa lọc
        </a>
      ) : null}
    </div>
  );
}

/**
 * A search or filter form over a list: its fields in a grid, then the buttons. It reads with GET so the filtered
 * list has its own address.
 */
export function FilterForm(props: { action?: string; submit?: string; clearHref?: string; children: Child }) {
  return (
    <form method="get" class="card grid" role="search" action={props.action}>
      {props.children}
      <FilterButtons submit={props.submit} clearHref={props.clearHref} />
    </form>
  );
}
