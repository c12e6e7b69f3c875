/** The page's behaviour, in plain browser JavaScript. Text goes in with textContent only, never as HTML. */
export const chatScript = `
(() => {
  const $ = (id) => document.getElementById(id);
  async function call(url, body) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const err = data && data.error;
      const detail = err && Array.isArray(err.details) && err.details[0] && err.details[0].message;
      throw new Error(detail || (err && err.message) || ('Lỗi HTTP ' + res.status));
    }
    return data;
  }

  const newUser = $('new-user');
  newUser.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('new-user-error').textContent = '';
    try {
      const data = await call('/dev/api/users', { displayName: $('new-name').value, phone: $('new-phone').value });
      location.href = '/dev/chat?user=' + encodeURIComponent(data.user.userId);
    } catch (err) {
      $('new-user-error').textContent = err.message;
    }
  });

  const cfg = JSON.parse($('chat-config').textContent);
  if (!cfg) return;

  const list = $('messages');
  const input = $('composer-text');
  let lastSeq = 0;
  let following = cfg.isFollower;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const time = (ms) => {
    const t = el('time', '', new Date(ms).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' }));
    t.dateTime = new Date(ms).toISOString();
    return t;
  };
  const phoneText = (p) => { const l = p.startsWith('84') ? '0' + p.slice(2) : p; return l.length === 10 ? l.slice(0, 4) + ' ' + l.slice(4, 7) + ' ' + l.slice(7) : l; };
  const note = (text, isError) => {
    $('empty') && $('empty').remove();
    list.append(el('p', isError ? 'note error' : 'note', text));
    list.scrollTop = list.scrollHeight;
  };

  async function act(button, url, body) {
    if (button) button.disabled = true;
    try {
      return await call(cfg.api + url, body);
    } catch (err) {
      note('Không gửi được: ' + err.message, true);
      return null;
    } finally {
      if (button) button.disabled = false;
    }
  }

  function oaRow(bubble) {
    const row = el('div', 'row oa');
    const av = el('span', 'avatar oa', 'BV');
    av.setAttribute('aria-hidden', 'true');
    row.append(av, bubble);
    return row;
  }

  function render(e) {
    if (e.from === 'system') return note(e.text, true);
    if (e.kind === 'follow') return note('Bạn đã quan tâm Official Account.');
    if (e.kind === 'unfollow') return note('Bạn đã bỏ quan tâm Official Account.');
    $('empty') && $('empty').remove();
    let row;
    if (e.from === 'user') {
      const b = el('div', 'bubble me');
      if (e.kind === 'text') b.append(e.text);
      else if (e.kind === 'location') b.append('Đã gửi vị trí: ' + e.latitude.toFixed(4) + ', ' + e.longitude.toFixed(4) + (e.label ? '\\n' + e.label : ''));
      else if (e.kind === 'share_phone') b.append('Đã chia sẻ số điện thoại ' + phoneText(e.phone));
      b.append(time(e.at));
      row = el('div', 'row me');
      row.append(b);
    } else {
      const b = el('div', e.kind === 'request_user_info' ? 'bubble oa card' : 'bubble oa');
      if (e.kind === 'request_user_info') {
        b.append(el('div', 'card-title', e.title));
        if (e.subtitle) b.append(el('div', 'card-sub', e.subtitle));
        const choices = el('div', 'choices');
        const share = el('button', 'choice', 'Chia sẻ số điện thoại');
        share.type = 'button';
        share.addEventListener('click', () => act(share, '/share-phone'));
        choices.append(share);
        b.append(choices);
      } else {
        b.append(e.text);
        if (e.buttons && e.buttons.length) {
          const choices = el('div', 'choices');
          for (const btn of e.buttons) {
            if (btn.url) {
              const a = el('a', 'choice', btn.title);
              a.href = btn.url; a.target = '_blank'; a.rel = 'noopener';
              choices.append(a);
              continue;
            }
            const button = el('button', 'choice', btn.title);
            button.type = 'button';
            if (btn.payload) button.addEventListener('click', () => act(null, '/text', { text: btn.payload }));
            else if (btn.phone) button.addEventListener('click', () => note('Gọi điện: ' + phoneText(btn.phone)));
            else button.disabled = true;
            choices.append(button);
          }
          b.append(choices);
        }
      }
      b.append(time(e.at));
      row = oaRow(b);
    }
    list.append(row);
    list.scrollTop = list.scrollHeight;
  }

  const conn = $('conn');
  const source = new EventSource(cfg.api + '/stream');
  source.addEventListener('open', () => { conn.textContent = 'Đã kết nối'; conn.classList.add('on'); });
  source.addEventListener('error', () => { conn.textContent = 'Mất kết nối, đang thử lại…'; conn.classList.remove('on'); });
  source.addEventListener('entry', (ev) => {
    const entry = JSON.parse(ev.data);
    if (entry.seq <= lastSeq) return;
    lastSeq = entry.seq;
    render(entry);
  });

  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const ok = await act(null, '/text', { text });
    if (!ok) input.value = text;
    input.focus();
  });

  $('send-location').addEventListener('click', (ev) => act(ev.currentTarget, '/location', {}));

  const toggle = $('toggle-follow');
  toggle.addEventListener('click', async () => {
    const data = await act(toggle, '/follow', { follow: !following });
    if (data) following = data.isFollower;
    toggle.textContent = following ? 'Bỏ quan tâm OA' : 'Quan tâm OA';
  });

  input.focus();
})();
`;
