import { TEMPLATE_BUTTON_OPENS, templateWarnings, type TemplateKind } from '../../../domain/outreach/templates';
import type { TemplateParam } from '../../../store/schema';
import { CsrfField } from '../layout';
import type { StaffContext } from '../ui';
import { TEMPLATES_PATH } from './deps';
import { statusLabels } from './templateList';

export interface TemplateFormValues {
  templateId: string;
  status: string;
  approvedOn: string;
  body: string;
  params: string;
}

export interface TemplatePreview {
  cadreCode: string;
  cadreName: string | null;
  text: string;
}

/** Id, status and approval date of the template as Zalo approved it. */
function TemplateIdFields(props: { values: TemplateFormValues }) {
  const { values } = props;
  return (
    <div class="grid">
      <div>
        <label for="templateId">Mã mẫu Zalo (template id)</label>
        <input type="text" id="templateId" name="templateId" inputmode="numeric" required maxlength={20} value={values.templateId} />
      </div>
      <div>
        <label for="status">Trạng thái</label>
        <select id="status" name="status">
          {Object.entries(statusLabels).map(([v, l]) => (
            <option value={v} selected={values.status === v}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="approvedOn">Ngày Zalo duyệt (dd/mm/yyyy)</label>
        <input type="text" id="approvedOn" name="approvedOn" placeholder="dd/mm/yyyy" maxlength={10} value={values.approvedOn} />
      </div>
    </div>
  );
}

/** The buttons to register with the template, and the words its body must carry when a button cannot answer. */
function ButtonsHelp(props: { kind: TemplateKind }) {
  const { kind } = props;
  if (!kind.buttons?.length) return null;
  return (
    <div id="template-buttons-help" class="small" style="margin-top:.6rem">
      <strong>Nút cần đăng ký cùng mẫu:</strong>{' '}
      {kind.buttons.map((b) => (
        <>
          “{b.title}” ({TEMPLATE_BUTTON_OPENS[b.opens]}){' '}
        </>
      ))}
      {kind.mustSay ? (
        <div class="muted">
          Nút của mẫu tin Zalo chỉ mở đường dẫn, gọi điện hoặc mở khung chat, không gửi được câu trả lời; nội dung mẫu cần ghi: {kind.mustSay.words.join(' · ')}. Cán bộ bấm nút rồi
          nhắn số vào khung chat.
        </div>
      ) : null}
    </div>
  );
}

function TemplateFields(props: { kind: TemplateKind; values: TemplateFormValues }) {
  const { kind, values } = props;
  return (
    <div class="card">
      <TemplateIdFields values={values} />
      <label for="body" style="margin-top:.6rem">
        Nội dung mẫu như đã đăng ký với Zalo (tham số viết &lt;ten_tham_so&gt;)
      </label>
      <textarea id="body" name="body" rows={5} maxlength={2000}>
        {values.body}
      </textarea>
      <label for="params" style="margin-top:.6rem">
        Tham số: mỗi dòng "tên tham số của Zalo = nguồn"
      </label>
      <textarea id="params" name="params" rows={4} maxlength={2000}>
        {values.params}
      </textarea>
      <ButtonsHelp kind={kind} />
      <p class="small muted">
        Nguồn có thể dùng:{' '}
        {kind.sources.map((s) => (
          <>
            <code>{s.key}</code> ({s.label}){' '}
          </>
        ))}
      </p>
    </div>
  );
}

function TemplateWarnings(props: { warnings: string[] }) {
  if (!props.warnings.length) return null;
  return (
    <div class="flash warn" id="template-warnings">
      <strong>Quy định của Zalo về nội dung mẫu:</strong>
      <ul style="margin:.3rem 0 0">
        {props.warnings.map((w) => (
          <li>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** The template filled with one cadre's data, as the cadre would read it, with its buttons. */
function PreviewSection(props: { kind: TemplateKind; preview: TemplatePreview | null }) {
  const { kind, preview } = props;
  return (
    <section class="card" id="template-preview">
      <h2 style="margin-top:0">Xem trước với dữ liệu của một cán bộ</h2>
      <form method="get" action={`${TEMPLATES_PATH}/${kind.name}`} class="inline">
        <label for="cadre">Mã cán bộ</label> <input type="text" id="cadre" name="cadre" maxlength={40} value={preview?.cadreCode ?? ''} style="max-width:12rem" />{' '}
        <button class="btn secondary small" type="submit">
          Xem
        </button>
      </form>
      {preview ? (
        <>
          <p class="small muted">{preview.cadreName ? `Dữ liệu của ${preview.cadreName}` : 'Không tìm thấy cán bộ với mã này.'}</p>
          <div style="white-space:pre-line;border:1px solid var(--line);border-radius:10px;padding:.7rem;background:#f8fafc">{preview.text || '(Chưa có nội dung mẫu)'}</div>
          {kind.buttons?.length ? (
            <div id="preview-buttons" style="display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.5rem">
              {kind.buttons.map((b) => (
                <span class="btn secondary small" data-opens={b.opens} title={TEMPLATE_BUTTON_OPENS[b.opens]}>
                  {b.title}
                </span>
              ))}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

export function TemplateForm(props: { c: StaffContext; kind: TemplateKind; values: TemplateFormValues; params: TemplateParam[]; preview: TemplatePreview | null }) {
  const { kind, values } = props;
  return (
    <>
      <p>
        <a href={TEMPLATES_PATH}>← Mẫu tin Zalo</a>
      </p>
      <form method="post" action={`${TEMPLATES_PATH}/${kind.name}`}>
        <CsrfField token={props.c.get('csrfToken')} />
        <TemplateFields kind={kind} values={values} />
        <TemplateWarnings warnings={templateWarnings(values.body, props.params, kind)} />
        <div class="actions">
          <button class="btn" type="submit">
            Lưu
          </button>
        </div>
      </form>
      <PreviewSection kind={kind} preview={props.preview} />
    </>
  );
}
