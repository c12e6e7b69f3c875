import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/db';
import { auditLog, cannedReplies } from '../../store/schema';
import { editableList } from './editableList';

const dir = mkdtempSync(join(tmpdir(), 'editable-list-'));
const store = openStore(join(dir, 'cadrecare.db'));
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a list staff keep row by row', () => {
  const list = editableList(cannedReplies, { action: 'canned_reply', entity: 'canned_reply' }, 'Không có câu trả lời mẫu này.');
  const coordinator = { type: 'staff' as const, id: '7' };
  const admin = { type: 'staff' as const, id: '9' };

  it('creates, changes (keeping when it was created) and deletes a row, stamping and auditing each change', () => {
    const created = list.save(store.db, coordinator, null, (stamp) => ({ code: '/diachi', text: 'Số 1 Lê Lợi', ...stamp }), 1_000);
    expect(created).toMatchObject({ code: '/diachi', text: 'Số 1 Lê Lợi', updatedBy: 7, createdAt: 1_000, updatedAt: 1_000 });

    const changed = list.save(store.db, admin, created.id, (stamp) => ({ code: '/diachi', text: 'Số 2 Lê Lợi', ...stamp }), 5_000);
    expect(changed).toEqual({ id: created.id, code: '/diachi', text: 'Số 2 Lê Lợi', updatedBy: 9, createdAt: 1_000, updatedAt: 5_000 });
    expect(list.get(store.db, created.id)).toEqual(changed);

    list.remove(store.db, admin, created.id, 6_000);
    expect(store.db.select().from(cannedReplies).all()).toEqual([]);
    const audit = store.db.select().from(auditLog).where(eq(auditLog.entity, 'canned_reply')).all();
    expect(audit.map((a) => [a.action, a.actorId, a.entityId, a.at])).toEqual([
      ['canned_reply.create', '7', String(created.id), 1_000],
      ['canned_reply.update', '9', String(created.id), 5_000],
      ['canned_reply.delete', '9', String(created.id), 6_000],
    ]);
  });

  it('refuses an unknown row with not_found and writes nothing', () => {
    const before = store.db.select().from(auditLog).all().length;
    for (const act of [
      () => list.get(store.db, 999),
      () => list.save(store.db, admin, 999, (stamp) => ({ code: '/khac', text: 'Khác', ...stamp }), 7_000),
      () => list.remove(store.db, admin, 999, 7_000),
    ]) {
      expect(act).toThrow(expect.objectContaining({ code: 'not_found', message: 'Không có câu trả lời mẫu này.' }));
    }
    expect(store.db.select().from(cannedReplies).all()).toEqual([]);
    expect(store.db.select().from(auditLog).all()).toHaveLength(before);
  });
});
