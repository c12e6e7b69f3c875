import { Hono } from 'hono';
import { OA_MENU } from '../../bot/understand/intents';
import { requirePermission, type StaffEnv } from '../auth/session';
import { page } from './ui';

/** /staff/zalo-menu: the OA's persistent menu as it must be entered in the OA manager. Administrators only. */
export const OA_MENU_PATH = '/staff/zalo-menu';


function MenuPage() {
  return (
    <>
      <div class="card">
        <h2 style="margin-top:0">Menu cố định của Zalo OA</h2>
        <p>
          Menu được cài đặt bằng tay trong trang quản lý Zalo OA. Mỗi mục chọn loại
          hành động <strong>gửi tin nhắn (query)</strong> và nhập đúng nội dung bên dưới; trợ lý hiểu nội dung đó như khi người dùng gõ nhãn của mục.
        </p>
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                <th>Thứ tự</th>
                <th>Nhãn</th>
                <th>Nội dung gửi (payload)</th>
                <th>Tác dụng</th>
              </tr>
            </thead>
            <tbody>
              {OA_MENU.map((item, i) => (
                <tr>
                  <td data-label="Thứ tự">{i + 1}</td>
                  <td data-label="Nhãn">{item.label}</td>
                  <td data-label="Payload">
                    <code>{item.payload}</code>
                  </td>
                  <td data-label="Tác dụng">{item.does}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="muted small">
          Chữ hoa, chữ thường và dấu # không quan trọng. Mỗi lần bấm menu được tính là một lần tương tác, nên mở lại khung 7 ngày để OA nhắn tin tư vấn.
        </p>
      </div>
    </>
  );
}

export function oaMenuPages(deps: { committeeName: string }) {
  const app = new Hono<StaffEnv>();
  app.use(requirePermission('oaConnection', 'manage'));
  app.get('/', (c) => page(c, deps.committeeName, 'Menu Zalo OA', <MenuPage />));
  return app;
}
