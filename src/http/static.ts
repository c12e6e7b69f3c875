import { deflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { staffClientJs } from './staff/clientScript';

/** CRC-32 as PNG chunks need it. */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * The picture on Zalo's "share your phone" card: the committee's colours as a 640x320 PNG with a white
 * phone-handset mark, drawn here so the service ships no binary assets.
 */
function sharePhonePng(): Buffer {
  const width = 640;
  const height = 320;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      // Teal background, a lighter band, and a white rounded phone in the middle.
      const inPhone = Math.abs(x - 320) < 55 && Math.abs(y - 160) < 100 && (Math.abs(x - 320) < 45 || Math.abs(y - 160) < 90);
      const inScreen = Math.abs(x - 320) < 42 && y > 80 && y < 230;
      const band = y > 290;
      const [r, g, b] = inScreen ? [15, 118, 110] : inPhone ? [255, 255, 255] : band ? [20, 184, 166] : [15, 118, 110];
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A broadcast's progress card refreshes itself every 2 s until the send is final, then the page reloads.
 * Served as a file: the Content-Security-Policy allows no inline script.
 */
const broadcastProgressJs = `(function(){var card=document.getElementById('progress-card');if(!card||card.dataset.live!=='1')return;
var t=setInterval(function(){fetch(card.dataset.src,{credentials:'same-origin'}).then(function(r){return r.ok?r.text():null}).then(function(h){
if(h===null)return;card.innerHTML=h;if(h.indexOf('data-final="1"')>=0){clearInterval(t);location.reload();}}).catch(function(){});},2000);})();
`;

export function staticRoutes() {
  // Drawn on the first request (Zalo fetches it when a card is sent), not while every process starts.
  let png: Buffer | undefined;
  return new Hono()
    .get('/share-phone.png', (c) => {
      png ??= sharePhonePng();
      c.header('cache-control', 'public, max-age=86400');
      return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png' });
    })
    .get('/staff.js', (c) => c.body(staffClientJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }))
    .get('/broadcast-progress.js', (c) => c.body(broadcastProgressJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }));
}
