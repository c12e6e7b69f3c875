import { listTemplates, TEMPLATE_BY_USER_SINCE } from '../../../domain/outreach/templates';
import { fmtDate } from '../ui';
import { type Column, RowsTable } from '../uiParts';
import { TEMPLATES_PATH, type OutreachPageDeps } from './deps';

export const statusLabels: Record<string, string> = { approved: 'Đã duyệt', pending: 'Chờ Zalo duyệt', rejected: 'Bị từ chối', disabled: 'Tạm tắt' };

type TemplateRow = ReturnType<typeof listTemplates>[number];

const templateColumns: Column<TemplateRow>[] = [
  {
    label: 'Thông báo',
    cell: (r) => (
      <>
        <a href={`${TEMPLATES_PATH}/${r.kind.name}`}>{r.kind.label}</a>
        <div class="small muted">
          <code>{r.kind.name}</code>
          {r.kind.buttons?.length ? <> · nút: {r.kind.buttons.map((b) => `“${b.title}”`).join(', ')}</> : null}
        </div>
      </>
    ),
  },
  { label: 'Mã mẫu Zalo', cell: (r) => r.saved?.templateId ?? (r.configuredId ? `${r.configuredId} (cấu hình)` : '—') },
  {
    label: 'Trạng thái',
    cell: (r) => (
      <>
        {r.saved ? statusLabels[r.saved.status] : r.configuredId ? 'Đã duyệt (cấu hình)' : <span class="badge warn">Chưa có mẫu</span>}
        {r.saved?.approvedOn ? <div class="small muted">duyệt {fmtDate(r.saved.approvedOn)}</div> : null}
      </>
    ),
  },
  { label: 'Gửi được', cell: (r) => (!r.usable ? '—' : r.byUserId ? 'Tài khoản Zalo, số điện thoại' : 'Chỉ số điện thoại') },
  {
    label: 'Tham số',
    class: 'small',
    cell: (r) => (r.saved?.params.length ? r.saved.params.map((p) => `${p.param} ← ${r.kind.sources.find((s) => s.key === p.source)?.label ?? p.source}`).join('; ') : 'như tên nguồn'),
  },
];

export function TemplatesPage(props: { deps: OutreachPageDeps }) {
  const rows = listTemplates(props.deps.db, props.deps.templates);
  const missing = rows.filter((r) => !r.usable);
  return (
    <>
      <p class="muted" style="margin-top:0">
        Ngoài khung 7 ngày, thông báo đi bằng mẫu tin Zalo đã duyệt: theo tài khoản Zalo (cán bộ tương tác với OA trong một năm, mẫu duyệt từ {fmtDate(TEMPLATE_BY_USER_SINCE)}), rồi
        theo số điện thoại; không có mẫu thì gửi email.
      </p>
      {missing.length ? (
        <div class="flash warn" id="templates-missing">
          Chưa có mẫu được duyệt (sẽ gửi tin tư vấn hoặc email): {missing.map((r) => r.kind.label).join(', ')}.
        </div>
      ) : null}
      <RowsTable id="templates" columns={templateColumns} rows={rows} />
    </>
  );
}
