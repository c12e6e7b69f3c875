/**
 * Every text the bot says, in Vietnamese with diacritics: short sentences an elderly reader can follow on a
 * phone. Cadres are addressed as "Ông/Bà" until we know who they are.
 */
export interface CatalogContext {
  committeeName: string;
  hotline: string;
}

export const t = {
  welcome: (ctx: CatalogContext) =>
    `Kính chào Ông/Bà! Đây là trợ lý Zalo của ${ctx.committeeName}.\nTôi có thể giúp Ông/Bà đặt lịch khám, xem kết quả, hoặc gặp nhân viên.`,
  menuPrompt: 'Ông/Bà cần gì ạ? Xin gõ một số:',
  menuFooter: 'Gõ "menu" bất cứ lúc nào để quay lại đây.',
  notUnderstood: 'Xin lỗi, tôi chưa hiểu ý Ông/Bà.',
  attachmentNotRead: 'Xin lỗi, tôi chỉ đọc được tin nhắn chữ.',
  thanksForInfo: 'Cảm ơn Ông/Bà đã gửi thông tin.',
  comingSoon: (label: string, ctx: CatalogContext) =>
    `Chức năng «${label}» sắp có.\nTrong lúc chờ, xin Ông/Bà gọi ${ctx.hotline} (giờ hành chính) để được giúp.`,
} as const;
