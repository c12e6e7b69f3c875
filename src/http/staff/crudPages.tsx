import { Hono, type MiddlewareHandler } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { staffActor } from '../../domain/staff/actor';
import type { AuditActor } from '../../store/audit';
import { fieldProblems, problemText, vietnameseIssue } from '../../domain/shared/validationText';
import { AppError } from '../../errors';
import { currentStaff, type StaffEnv } from '../auth/session';
import type { StaffDeps } from '../deps';
import { IdParam, validate } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { EmptyRow, fmtDateTime, page, PostButton, type StaffContext } from './ui';

interface Entry {
  id: number;
  updatedAt: number | null;
}

/**
 * One list / add / edit / delete page set for a short table staff keep by hand (FAQ answers, canned replies):
 * the list with a delete button per row, one form for adding and editing, refused input shown again on the form
 * with the reasons, and a delete that asks first.
 */
export interface CrudSpec<Row extends Entry, Input> {
  /** e.g. '/staff/faq' */
  base: string;
  guard: MiddlewareHandler;
  titles: { list: string; add: string; edit: string; addButton: string };
  intro: string;
  notices: Record<string, Flash>;
  /** The list's column headings before "Sửa lúc", and the text of an empty list. */
  columns: string[];
  empty: string;
  /** The cells of one row before "Sửa lúc", and attributes of its <tr>. */
  cells: (row: Row) => Child;
  rowAttributes?: (row: Row) => Record<string, string>;
  /** The fields inside the form's card. */
  fields: (entry: Partial<Row>) => Child;
  list: () => Row[];
  get: (id: number) => Row;
  schema: z.ZodType<Input>;
  /** What the form shows again when the input is refused. */
  shownOnError: (body: Record<string, unknown>, id: number | null) => Partial<Row>;
  save: (actor: AuditActor, id: number | null, input: Input, now: number) => void;
  /** A conflict on save (e.g. a code already used) is shown on the form instead of an error page. */
  conflictOnForm?: boolean;
  remove: (actor: AuditActor, id: number, now: number) => void;
  deleteQuestion: (row: Row) => { title: string; text: string; confirmLabel: string };
}

function ListTable<Row extends Entry, Input>(props: { spec: CrudSpec<Row, Input>; rows: Row[]; token: string }) {
  const { spec } = props;
  const colspan = spec.columns.length + 2;
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            {spec.columns.map((h) => (
              <th>{h}</th>
            ))}
            <th>Sửa lúc</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? <EmptyRow colspan={colspan}>{spec.empty}</EmptyRow> : null}
          {props.rows.map((r) => (
            <tr {...(spec.rowAttributes?.(r) ?? {})}>
              {spec.cells(r)}
              <td data-label="Sửa lúc">{fmtDateTime(r.updatedAt) || '—'}</td>
              <td>
                <PostButton action={`${spec.base}/${r.id}/delete`} token={props.token} class="btn danger small" label="Xóa" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function entryForm<Row extends Entry, Input>(deps: StaffDeps, spec: CrudSpec<Row, Input>, c: StaffContext, entry: Partial<Row>, opts: { flash?: Flash | null; status?: 400 } = {}) {
  return page(
    c,
    deps.committee.name,
    entry.id ? spec.titles.edit : spec.titles.add,
    <form method="post" action={entry.id ? `${spec.base}/${entry.id}` : spec.base}>
      <CsrfField token={c.get('csrfToken')} />
      <div class="card">{spec.fields(entry)}</div>
      <div class="actions">
        <button class="btn" type="submit">
          Lưu
        </button>
        <a class="btn secondary" href={spec.base}>
          Quay lại
        </a>
      </div>
    </form>,
    opts,
  );
}

/** Saves the posted form; refused input comes back on the form with the reasons (400). */
async function saveEntry<Row extends Entry, Input>(deps: StaffDeps, spec: CrudSpec<Row, Input>, c: StaffContext, id: number | null) {
  const body = Object.fromEntries(Object.entries(await c.req.parseBody()));
  const parsed = spec.schema.safeParse(body, { error: vietnameseIssue });
  if (!parsed.success) {
    return entryForm(deps, spec, c, spec.shownOnError(body, id), { flash: { kind: 'bad', text: fieldProblems(parsed.error.issues).map(problemText).join('; ') }, status: 400 });
  }
  try {
    spec.save(staffActor(currentStaff(c)), id, parsed.data, deps.clock.now());
  } catch (e) {
    if (spec.conflictOnForm && e instanceof AppError && e.code === 'conflict') return entryForm(deps, spec, c, spec.shownOnError(body, id), { flash: { kind: 'bad', text: e.message }, status: 400 });
    throw e;
  }
  return c.redirect(`${spec.base}?msg=saved`, 303);
}

function listPage<Row extends Entry, Input>(deps: StaffDeps, spec: CrudSpec<Row, Input>, c: StaffContext, msg: string | undefined) {
  return page(
    c,
    deps.committee.name,
    spec.titles.list,
    <>
      <p class="muted" style="margin-top:0">
        {spec.intro}
      </p>
      <p>
        <a class="btn" href={`${spec.base}/new`}>
          {spec.titles.addButton}
        </a>
      </p>
      <ListTable spec={spec} rows={spec.list()} token={c.get('csrfToken')} />
    </>,
    { flash: spec.notices[msg ?? ''] ?? null },
  );
}

export function crudPages<Row extends Entry, Input>(deps: StaffDeps, spec: CrudSpec<Row, Input>) {
  return new Hono<StaffEnv>()
    .get('/', spec.guard, validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => listPage(deps, spec, c, c.req.valid('query').msg))
    .get('/new', spec.guard, (c) => entryForm(deps, spec, c, {}))
    .get('/:id{[0-9]+}', spec.guard, validate('param', IdParam), (c) => entryForm(deps, spec, c, spec.get(c.req.valid('param').id)))
    .post('/', spec.guard, (c) => saveEntry(deps, spec, c, null))
    .post('/:id{[0-9]+}', spec.guard, validate('param', IdParam), (c) => saveEntry(deps, spec, c, c.req.valid('param').id))
    .post(
      '/:id{[0-9]+}/delete',
      spec.guard,
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c) => ({ ...spec.deleteQuestion(spec.get(Number(c.req.param('id')))), back: spec.base })),
      (c) => {
        spec.remove(staffActor(currentStaff(c)), c.req.valid('param').id, deps.clock.now());
        return c.redirect(`${spec.base}?msg=deleted`, 303);
      },
    );
}
