import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../src/domain/shared/listing';
import { listCadres, RegistryQuery } from '../src/domain/registry/search';
import { openStore, type Store } from '../src/store/db';
import { cadres, zaloLinks, zaloUsers } from '../src/store/schema';

// The registry list reads one page of rows from SQLite (count + limit/offset), and a search pages its matches.
describe('registry list paging', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadrecare-paging-'));
  let store: Store;
  const admin = { id: 1, role: 'admin' as const, clinicId: null, username: 'quantri', fullName: 'Quản trị' };
  const now = Date.UTC(2026, 10, 1);
  const query = (q: Record<string, unknown>) => RegistryQuery.parse(q);

  beforeAll(() => {
    store = openStore(join(dir, 'cadrecare.db'));
    const names = ['Nguyễn Văn An', 'Trần Thị Bình'];
    store.db
      .insert(cadres)
      .values(
        Array.from({ length: 130 }, (_, i) => ({
          code: `CB${String(130 - i).padStart(4, '0')}`,
          fullName: names[i % 2]!,
          birthDate: '1945-05-01',
          sex: 'male' as const,
          category: 'nguyen_chuc' as const,
          phone: `84912${String(100000 + i)}`,
          active: i !== 0,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .run();
    store.db.insert(zaloUsers).values({ id: '7001', displayName: 'Zalo', followed: true, createdAt: now, updatedAt: now }).run();
    const linked = store.db.select({ id: cadres.id }).from(cadres).limit(1).offset(5).get()!.id;
    store.db.insert(zaloLinks).values({ zaloUserId: '7001', cadreId: linked, method: 'staff', linkedAt: now }).run();
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the active cadres and returns each page in code order', () => {
    const first = listCadres(store.db, admin, query({}), now);
    expect(first.total).toBe(129);
    expect(first.pages).toBe(Math.ceil(129 / PAGE_SIZE));
    expect(first.items).toHaveLength(PAGE_SIZE);
    expect(first.items[0]!.code).toBe('CB0001');
    const last = listCadres(store.db, admin, query({ page: '3' }), now);
    expect(last.items).toHaveLength(129 - 2 * PAGE_SIZE);
    expect(last.items.at(-1)!.code).toBe('CB0129');
    // A page past the end shows the last one.
    expect(listCadres(store.db, admin, query({ page: '99' }), now).items.map((r) => r.code)).toEqual(last.items.map((r) => r.code));
    const all = [1, 2, 3].flatMap((p) => listCadres(store.db, admin, query({ page: String(p) }), now).items.map((r) => r.code));
    expect(new Set(all).size).toBe(129);
    expect([...all].sort()).toEqual(all);
  });

  it('searches names without diacritics, pages the matches, and keeps the filters', () => {
    const found = listCadres(store.db, admin, query({ q: 'tran thi binh' }), now);
    expect(found.total).toBe(65);
    expect(found.pages).toBe(2);
    expect(found.items).toHaveLength(PAGE_SIZE);
    expect(found.items.every((r) => r.fullName === 'Trần Thị Bình')).toBe(true);
    const second = listCadres(store.db, admin, query({ q: 'tran thi binh', page: '2' }), now);
    expect(second.items.map((r) => r.fullName)).toEqual(Array(65 - PAGE_SIZE).fill('Trần Thị Bình'));
    expect(second.items[0]!.code > found.items.at(-1)!.code).toBe(true);
    expect(listCadres(store.db, admin, query({ q: '0912100007' }), now).items.map((r) => r.phone)).toEqual(['84912100007']);
    const linked = listCadres(store.db, admin, query({ linked: 'yes' }), now);
    expect(linked.total).toBe(1);
    expect(linked.items[0]!.linkedZaloUserId).toBe('7001');
    expect(listCadres(store.db, admin, query({ linked: 'no', q: 'nguyen' }), now).total).toBe(64);
    expect(listCadres(store.db, admin, query({ linked: 'yes', q: 'nguyen' }), now).total).toBe(0);
  });

  it('keeps the folded name that search and the name order read up to date on every insert and rename', () => {
    const code = 'CB9001';
    store.db
      .insert(cadres)
      .values({ code, fullName: 'Đặng Thị Ánh', birthDate: '1944-01-01', sex: 'female', category: 'nguyen_chuc', createdAt: now, updatedAt: now })
      .run();
    const folded = () => store.db.select({ f: cadres.foldedName }).from(cadres).where(eq(cadres.code, code)).get()!.f;
    expect(folded()).toBe('dang thi anh');
    // "Đặng" sorts as "dang", before "nguyen" and "tran".
    expect(listCadres(store.db, admin, query({ sort: 'name' }), now).items[0]!.code).toBe(code);
    expect(listCadres(store.db, admin, query({ q: 'ĐẶNG THI' }), now).items.map((r) => r.code)).toEqual([code]);

    store.db.update(cadres).set({ fullName: 'Lê Thị Ánh Tuyết' }).where(eq(cadres.code, code)).run();
    expect(folded()).toBe('le thi anh tuyet');
    // A rename written in plain SQL (an operator's fix) is folded too.
    store.sqlite.prepare('UPDATE cadres SET full_name = ? WHERE code = ?').run('Hồ Thị Ánh Tuyết', code);
    expect(folded()).toBe('ho thi anh tuyet');
    expect(listCadres(store.db, admin, query({ q: 'dang thi' }), now).total).toBe(0);
    expect(listCadres(store.db, admin, query({ q: 'ho thi anh' }), now).items.map((r) => r.fullName)).toEqual(['Hồ Thị Ánh Tuyết']);
    // Other updates leave it as it is.
    store.db.update(cadres).set({ unit: 'Sở Tài chính' }).where(eq(cadres.code, code)).run();
    expect(folded()).toBe('ho thi anh tuyet');
    // The other cases count the registry as it was.
    store.db.delete(cadres).where(eq(cadres.code, code)).run();
  });
});
