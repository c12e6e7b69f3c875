import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import type { FakeZaloApi } from '../../zalo/fakeApi';
import type { SentMessage } from '../../zalo/fakeApi/contract';

/**
 * The simulator's memory of each simulated user's conversation: what the user did (typed, tapped, shared)
 * and what the OA sent (as it reached the fake Zalo API). The chat page replays it on (re)connect and
 * follows it live, so a reload or a second tab of the same user shows the same conversation.
 */

interface ChatButton {
  title: string;
  /** oa.query.show / oa.query.hide: the text Zalo sends back on a tap. */
  payload?: string;
  /** oa.open.url */
  url?: string;
  /** oa.open.phone / oa.open.sms */
  phone?: string;
}

export type ChatEntry = {
  seq: number;
  userId: string;
  at: number;
} & (
  | { from: 'user'; kind: 'text'; text: string }
  | { from: 'user'; kind: 'location'; latitude: number; longitude: number; label: string }
  | { from: 'user'; kind: 'share_phone'; phone: string }
  | { from: 'user'; kind: 'follow' | 'unfollow' }
  | { from: 'oa'; kind: 'text'; text: string; buttons: ChatButton[] }
  | { from: 'oa'; kind: 'request_user_info'; title: string; subtitle: string }
  | { from: 'oa'; kind: 'other'; text: string }
  | { from: 'system'; kind: 'error'; text: string }
);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewChatEntry = DistributiveOmit<ChatEntry, 'seq' | 'userId' | 'at'>;

/** At most this many entries are kept per user; the oldest go first. */
const KEEP_PER_USER = 500;

export class Transcript {
  private readonly entries = new Map<string, ChatEntry[]>();
  private readonly emitter = new EventEmitter();
  private seq = 0;

  constructor(private readonly now: () => number) {
    this.emitter.setMaxListeners(0);
  }

  add(userId: string, entry: NewChatEntry): ChatEntry {
    const full = { ...entry, seq: ++this.seq, userId, at: this.now() } as ChatEntry;
    const list = this.entries.get(userId) ?? [];
    list.push(full);
    if (list.length > KEEP_PER_USER) list.splice(0, list.length - KEEP_PER_USER);
    this.entries.set(userId, list);
    this.emitter.emit(userId, full);
    return full;
  }

  /** Entries of one user after `afterSeq` (0 = all kept). */
  since(userId: string, afterSeq = 0): ChatEntry[] {
    return (this.entries.get(userId) ?? []).filter((e) => e.seq > afterSeq);
  }

  subscribe(userId: string, listener: (entry: ChatEntry) => void): () => void {
    this.emitter.on(userId, listener);
    return () => this.emitter.off(userId, listener);
  }

  /** Records every message the OA sends through the fake API; returns the unsubscribe function. */
  follow(fake: FakeZaloApi): () => void {
    const onMessage = (m: SentMessage) => this.add(m.userId, fromSentMessage(m));
    fake.on('message', onMessage);
    return () => fake.off('message', onMessage);
  }
}

/** How a message the OA sent looks in the chat: text with buttons, a request for the phone number, or other. */
function fromSentMessage(m: SentMessage): NewChatEntry {
  if (m.kind === 'request_user_info') {
    const element = (m.body as { message?: { attachment?: { payload?: { elements?: { title?: unknown; subtitle?: unknown }[] } } } })
      ?.message?.attachment?.payload?.elements?.[0];
    return {
      from: 'oa',
      kind: 'request_user_info',
      title: typeof element?.title === 'string' ? element.title : 'Chia sẻ thông tin',
      subtitle: typeof element?.subtitle === 'string' ? element.subtitle : '',
    };
  }
  if (m.kind === 'text') return { from: 'oa', kind: 'text', text: m.text ?? '', buttons: m.buttons.map(toChatButton) };
  return { from: 'oa', kind: 'other', text: 'Tin nhắn loại khác (trình mô phỏng chưa hiển thị được).' };
}

function toChatButton(b: { title: string; type: string; payload: unknown }): ChatButton {
  const payload = b.payload as Record<string, unknown> | string | null | undefined;
  if (typeof payload === 'string') return { title: b.title, payload };
  if (b.type === 'oa.open.url' && typeof payload?.url === 'string') return { title: b.title, url: payload.url };
  if ((b.type === 'oa.open.phone' || b.type === 'oa.open.sms') && typeof payload?.phone_code === 'string') {
    return { title: b.title, phone: payload.phone_code };
  }
  return { title: b.title };
}

/** A Zalo-like user id: a random string of 18 or 19 digits, never starting with 0. */
export function newSimulatedUserId(): string {
  const length = randomInt(18, 20);
  let id = String(randomInt(1, 10));
  while (id.length < length) id += String(randomInt(0, 10));
  return id;
}
