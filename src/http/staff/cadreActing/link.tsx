import { Hono } from 'hono';
import { z } from 'zod';
import { recentUnlinkedZaloUsers } from '../../../domain/registry/cadreRecord';
import { formatPhone } from '../../../domain/shared/phone';
import type { Cadre } from '../../../store/schema';
import { requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { CsrfField } from '../layout';
import { fmtDateTime, page, type StaffContext } from '../ui';
import { addressed, loadCadre } from './shared';

type ZaloUserChoice = ReturnType<typeof recentUnlinkedZaloUsers>[number];

/** One recent Zalo user to choose: name, whether the shared phone matches the record, last message. */
function ZaloUserOption(props: { u: ZaloUserChoice; first: boolean }) {
  const { u } = props;
  return (
    <label style="display:flex;gap:.6rem;align-items:flex-start;margin:.4rem 0;color:inherit;font-size:1rem">
      <input type="radio" name="zaloUserId" value={u.id} checked={props.first && u.phoneMatches} required />
      <span>
        <b>{u.displayName ?? 'Người dùng Zalo (chưa có tên)'}</b>
        {u.phoneMatches ? (
          <>
            {' '}
            <span class="badge ok">Trùng số trong hồ sơ</span>
          </>
        ) : null}
        <span class="small muted" style="display:block">
          {u.phone ? `ĐT đã chia sẻ: ${formatPhone(u.phone)}` : 'Chưa chia sẻ số điện thoại'} · {u.lastInteractionAt ? `nhắn lần cuối ${fmtDateTime(u.lastInteractionAt)}` : 'chưa nhắn tin'}
        </span>
      </span>
    </label>
  );
}

function linkPage(deps: StaffDeps, c: StaffContext, cadre: Cadre, q: string | undefined) {
  const users = recentUnlinkedZaloUsers(deps.db, cadre, q);
  return page(
    c,
    deps.committee.name,
    `Liên kết Zalo cho ${addressed(cadre)}`,
    <>
      <p>
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
      </p>
      <p class="muted">
        Những người đã nhắn tin hoặc quan tâm OA gần đây và chưa liên kết với cán bộ nào. Người đã chia sẻ đúng số điện thoại trong hồ sơ ({formatPhone(cadre.phone) || 'chưa có'}) đứng đầu. Hãy gọi cán bộ để chắc chắn trước khi liên kết.
      </p>
      <form method="get" class="actions" role="search" style="margin-bottom:.8rem">
        <input type="search" name="q" value={q ?? ''} placeholder="Tìm theo tên Zalo hoặc số điện thoại" style="max-width:22rem" aria-label="Tìm người dùng Zalo" />
        <button class="btn secondary" type="submit">
          Tìm
        </button>
      </form>
      {users.length ? (
        <form method="post" action={`/staff/registry/${cadre.id}/link`} class="card" id="recent-zalo-users">
          <CsrfField token={c.get('csrfToken')} />
          {users.map((u, i) => (
            <ZaloUserOption u={u} first={i === 0} />
          ))}
          <button class="btn" type="submit">
            Liên kết tài khoản đã chọn
          </button>
        </form>
      ) : (
        <p class="card muted">{q ? 'Không có người dùng Zalo nào khớp.' : 'Chưa có ai nhắn tin với OA mà chưa liên kết.'}</p>
      )}
    </>,
  );
}

/** Choosing the Zalo account to link among the OA's recent users (the link itself is posted to the registry). */
export function linkRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get(
    '/:id{[0-9]+}/link',
    requirePermission('registry', 'linkZalo'),
    validate('param', IdParam),
    validate('query', z.object({ q: z.string().max(100).optional() })),
    (c) => linkPage(deps, c, loadCadre(deps, c, c.req.valid('param').id), c.req.valid('query').q?.trim() || undefined),
  );
}
