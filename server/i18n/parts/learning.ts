/** Messages of learning (officers' modules, lessons, quizzes, progress), Vietnamese first; English has exactly the same keys. */
export const vi = {
  topic_thai_do: 'Tinh thần, thái độ làm việc',
  topic_giao_tiep: 'Chuẩn mực giao tiếp, ứng xử',
  topic_dao_duc: 'Đạo đức, lối sống',
  topic_trang_phuc: 'Trang phục',
  topic_ky_luat: 'Kỷ luật, kỷ cương',
} satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {
  topic_thai_do: 'Working spirit and attitude',
  topic_giao_tiep: 'Communication and conduct',
  topic_dao_duc: 'Ethics and lifestyle',
  topic_trang_phuc: 'Dress',
  topic_ky_luat: 'Discipline',
};
