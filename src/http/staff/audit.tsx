import { Hono } from 'hono';
import { requirePermission, type StaffEnv } from '../auth/session';
import { validate } from '../validation';
import { AuditQuery, searchAudit, type StaffDeps } from './services';
import { fmtDateTime, page, Pager, FilterSelect } from './ui';

const actorTypeLabels = { staff: 'Nhân viên', zalo: 'Zalo', system: 'Hệ thống' } as const;

/** /staff/audit: who did what, newest first (admins only). */
export function auditPages(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/', requirePermission('audit', 'read'), validate('query', AuditQuery), (c) => {
    const q = c.req.valid('query');
    const r = searchAudit(deps.db, q);
    return page(
      c,
      deps.committee.name,
      'Nhật ký hoạt động',
      <>
        <form method="get" class="card">
          <div class="grid">
            <div>
              <label for="actor">Người thực hiện</label>
              <input type="text" id="actor" name="actor" value={q.actor ?? ''} placeholder="tên đăng nhập hoặc mã" />
            </div>
            <FilterSelect
              name="action"
              label="Hành động"
              options={r.actions.map((a) => ({ value: a, label: a }))}
              selected={q.action}
            />
            <FilterSelect
              name="entity"
              label="Đối tượng"
              options={r.entities.map((e) => ({ value: e, label: e }))}
              selected={q.entity}
            />
            <div>
              <label for="entityId">Mã đối tượng</label>
              <input type="text" id="entityId" name="entityId" value={q.entityId ?? ''} />
            </div>
            <div class="actions">
              <button class="btn" type="submit">
                Lọc
              </button>
              <a class="btn secondary" href="/staff/audit">
                Xóa lọc
              </a>
            </div>
          </div>
        </form>
        <p class="muted">{r.total} mục, mới nhất trước.</p>
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                <th>Thời gian</th>
                <th>Người thực hiện</th>
                <th>Hành động</th>
                <th>Đối tượng</th>
                <th>Chi tiết</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map(({ entry, username }) => (
                <tr>
                  <td data-label="Thời gian">{fmtDateTime(entry.at)}</td>
                  <td data-label="Người">
                    {actorTypeLabels[entry.actorType]}: {username ?? entry.actorId}
                    {entry.onBehalfOfCadreId ? <div class="small muted">thay mặt cán bộ #{entry.onBehalfOfCadreId}</div> : null}
                  </td>
                  <td data-label="Hành động">
                    <code>{entry.action}</code>
                  </td>
                  <td data-label="Đối tượng">
                    {entry.entity}
                    {entry.entityId ? ` #${entry.entityId}` : ''}
                  </td>
                  <td data-label="Chi tiết" class="small muted">
                    {entry.detail ? JSON.stringify(entry.detail) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager page={r.page} pages={r.pages} query={{ ...q, page: undefined }} />
      </>,
    );
  });
}
