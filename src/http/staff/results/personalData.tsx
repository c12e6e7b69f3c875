import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { cadreCodeIs } from '../../../domain/registry/cadreSummary';
import { eraseWithConfirmation } from '../../../domain/registry/personalDataErasure';
import { exportPersonalData, personalDataWorkbook } from '../../../domain/registry/personalDataExport';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { inTransaction } from '../../../store/db';
import { cadres, type Cadre } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { attachment } from '../../download';
import { validate, XLSX_TYPE } from '../../validation';
import { CsrfField } from '../layout';
import { fmtDate, page } from '../ui';
import { back, noticeOf } from './shared';

const CadreParam = z.object({ cadreId: z.coerce.number().int().positive() });

function CadreCodeSearch(props: { code?: string }) {
  return (
    <form method="get" class="card actions" role="search">
      <label for="code" style="margin:0">
        Mã cán bộ
      </label>
      <input id="code" type="search" name="code" value={props.code ?? ''} style="max-width:14rem" />
      <button class="btn small" type="submit">
        Tìm
      </button>
    </form>
  );
}

/** A copy of the cadre's data on request, and erasure on request (confirmed by typing the code again). */
function PersonalDataCard(props: { cadre: Cadre; token: string }) {
  const { cadre } = props;
  return (
    <div class="card">
      <p style="margin-top:0">
        <b>
          {cadre.code} · {cadre.fullName}
        </b>{' '}
        <span class="muted">({fmtDate(cadre.birthDate)})</span>
      </p>
      <h2>Bản sao dữ liệu (theo yêu cầu của cán bộ)</h2>
      <p class="actions">
        <a class="btn secondary" href={`/staff/results/personal-data/${cadre.id}/export?format=json`}>
          Tải JSON
        </a>
        <a class="btn secondary" href={`/staff/results/personal-data/${cadre.id}/export?format=xlsx`}>
          Tải Excel
        </a>
      </p>
      <h2>Xóa dữ liệu theo yêu cầu</h2>
      <p class="small">
        Xóa kết quả khám, lịch khám, liên kết Zalo, người đại diện, trạng thái hội thoại và nội dung tin nhắn đã lưu về cán bộ này. Hồ sơ trong danh sách
        cán bộ được giữ lại. Không hoàn tác được.
      </p>
      <form method="post" action={`/staff/results/personal-data/${cadre.id}/erase`} class="actions">
        <CsrfField token={props.token} />
        <input type="text" name="confirmCode" required placeholder="Gõ lại mã cán bộ để xác nhận" style="max-width:18rem" />
        <button class="btn danger" type="submit">
          Xóa dữ liệu
        </button>
      </form>
    </div>
  );
}

/** A cadre's personal data: find by code, export (JSON, Excel), erase. */
export function personalDataRoutes(deps: StaffDeps) {
  const now = () => deps.clock.now();
  return new Hono<StaffEnv>()
    .get('/personal-data', requirePermission('results', 'exportPersonal'), validate('query', z.object({ code: z.string().trim().max(50).optional(), msg: z.string().max(20).optional() })), (c) => {
      const { code, msg } = c.req.valid('query');
      const cadre = code ? deps.db.select().from(cadres).where(cadreCodeIs(code)).get() : undefined;
      const body = (
        <>
          <CadreCodeSearch code={code} />
          {code && !cadre ? <p class="flash bad">Không có cán bộ mã “{code}”.</p> : null}
          {cadre ? <PersonalDataCard cadre={cadre} token={c.get('csrfToken')} /> : null}
        </>
      );
      return page(c, deps.committee.name, 'Dữ liệu cá nhân của cán bộ', body, { flash: noticeOf(msg) });
    })
    .get('/personal-data/:cadreId{[0-9]+}/export', requirePermission('results', 'exportPersonal'), validate('param', CadreParam), validate('query', z.object({ format: z.enum(['json', 'xlsx']).default('json') })), async (c) => {
      const { format } = c.req.valid('query');
      const data = exportPersonalData(deps.db, currentStaff(c), c.req.valid('param').cadreId, format, now());
      const headers = { 'content-disposition': attachment(`du-lieu-ca-nhan-${data.cadre.code}-${vietnamDate(now())}.${format}`), 'cache-control': 'no-store' };
      if (format === 'json') return c.body(JSON.stringify(data, null, 2), 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      return c.body(new Uint8Array(await personalDataWorkbook(data)), 200, { ...headers, 'content-type': XLSX_TYPE });
    })
    .post('/personal-data/:cadreId{[0-9]+}/erase', requirePermission('results', 'erasePersonal'), validate('param', CadreParam), validate('form', z.object({ confirmCode: z.string().trim().min(1).max(50) })), (c) => {
      const { cadreId } = c.req.valid('param');
      const staff = currentStaff(c);
      const cadre = deps.db.select({ code: cadres.code }).from(cadres).where(eq(cadres.id, cadreId)).get();
      inTransaction(deps.db, (tx) => eraseWithConfirmation(tx, staff, cadreId, c.req.valid('form').confirmCode, now()));
      return back(c, `/staff/results/personal-data?code=${encodeURIComponent(cadre?.code ?? '')}`, 'erased');
    });
}
