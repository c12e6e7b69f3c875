import { Hono } from 'hono';
import { releaseResults, type ReleaseOutcome } from '../../../domain/results/release';
import { resultIdsMatching, ResultListParams } from '../../../domain/results/resultList';
import { AppError } from '../../../errors';
import { inTransaction } from '../../../store/db';
import { currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { CsrfField } from '../layout';
import { fmtCount, page, withQuery } from '../ui';

const ReleaseFilter = ResultListParams.pick({ q: true, campaignId: true });
type ReleaseFilter = ReturnType<typeof ReleaseFilter.parse>;

/** What the release form asked for: the ticked drafts, or all drafts the filter matches now (on every page). */
function releaseRequest(deps: StaffDeps, staff: StaffIdentity, body: Record<string, string | File | (string | File)[]>) {
  const one = (k: string) => {
    const v = body[k];
    return typeof v === 'string' ? v : '';
  };
  const raw = body.ids === undefined ? [] : Array.isArray(body.ids) ? body.ids : [body.ids];
  const all = one('scope') === 'all';
  const filter = ReleaseFilter.parse({ q: one('q'), campaignId: one('campaignId') });
  const ids = all
    ? resultIdsMatching(deps.db, staff, { status: 'draft', ...filter })
    : raw.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN)).filter((n) => Number.isInteger(n) && n > 0);
  if (!ids.length) throw new AppError('validation_failed', all ? 'Không còn kết quả nào chờ công bố khớp bộ lọc.' : 'Chưa chọn kết quả nào để công bố.');
  const expected = /^\d+$/.test(one('expected')) ? Number(one('expected')) : null;
  return { all, filter, ids, expected, changed: all && expected !== null && expected !== ids.length, confirmed: one('confirm') === '1' };
}

function ReleaseConfirm(props: { token: string; all: boolean; filter: ReleaseFilter; ids: number[] }) {
  const { all, filter, ids } = props;
  const backHref = `/staff/results${withQuery({ status: 'draft', q: filter.q, campaignId: filter.campaignId || undefined })}`;
  return (
    <form method="post" action="/staff/results/release" class="card" id="release-confirm">
      <CsrfField token={props.token} />
      <input type="hidden" name="confirm" value="1" />
      <input type="hidden" name="scope" value={all ? 'all' : 'selected'} />
      <input type="hidden" name="q" value={filter.q ?? ''} />
      <input type="hidden" name="campaignId" value={filter.campaignId ? String(filter.campaignId) : ''} />
      <input type="hidden" name="expected" value={String(ids.length)} />
      {all ? null : ids.map((id) => <input type="hidden" name="ids" value={String(id)} />)}
      <p style="margin-top:0">
        Công bố <b id="release-count">{fmtCount(ids.length)}</b> kết quả
        {all ? ' (tất cả kết quả chờ công bố khớp bộ lọc, trên mọi trang)' : ' đã chọn'}? Mỗi cán bộ (hoặc người đại diện) sẽ nhận tin báo qua Zalo, hoặc
        email khi ngoài hạn nhắn Zalo. Sau khi công bố, chỉ sửa được bằng cách đính chính.
      </p>
      <div class="actions">
        <a class="btn secondary" href={backHref}>
          Không, quay lại
        </a>
        <button class="btn" type="submit">
          Công bố {fmtCount(ids.length)} kết quả
        </button>
      </div>
    </form>
  );
}

function ReleaseDone(props: { outcome: ReleaseOutcome }) {
  const { outcome } = props;
  return (
    <>
      <p>
        Đã công bố <b>{outcome.released.length}</b> kết quả. Cán bộ sẽ nhận tin báo qua Zalo (hoặc email khi ngoài hạn nhắn Zalo).
      </p>
      {outcome.skipped.length ? (
        <>
          <h2>Không công bố được</h2>
          <ul>
            {outcome.skipped.map((s) => (
              <li>
                Kết quả #{s.id}: {s.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a class="btn secondary" href="/staff/results">
          Về danh sách chờ công bố
        </a>
      </p>
    </>
  );
}

/** Release: asks again with the number of results (and again if that number changed), then releases them. */
export function releaseRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  return new Hono<StaffEnv>().post('/release', requirePermission('results', 'release'), async (c) => {
    const staff = currentStaff(c);
    const { all, filter, ids, expected, changed, confirmed } = releaseRequest(deps, staff, await c.req.parseBody({ all: true }));
    if (!confirmed || changed) {
      const flash = changed ? { kind: 'warn' as const, text: `Số kết quả khớp bộ lọc đã đổi từ ${fmtCount(expected ?? 0)} thành ${fmtCount(ids.length)}. Xem lại rồi xác nhận.` } : null;
      return page(c, title, 'Công bố kết quả?', <ReleaseConfirm token={c.get('csrfToken')} all={all} filter={filter} ids={ids} />, { flash, status: changed ? 409 : 200 });
    }
    const outcome = inTransaction(deps.db, (tx) => releaseResults(tx, staff, ids, deps.clock.now()));
    deps.afterCommit();
    const flash = outcome.skipped.length ? { kind: 'warn' as const, text: `${outcome.skipped.length} kết quả không công bố được.` } : { kind: 'ok' as const, text: 'Đã công bố.' };
    return page(c, title, 'Công bố kết quả', <ReleaseDone outcome={outcome} />, { flash });
  });
}
