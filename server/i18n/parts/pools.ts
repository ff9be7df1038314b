/** Messages of module question pools and the quiz review rule; English has the same keys. */
export const vi = {
  question_col_pools: 'Thuộc học phần',
  question_pools_hint: 'Mã các học phần mà câu hỏi này kiểm tra, cách nhau bằng dấu phẩy (ví dụ VHCV-THAI-DO). Bài kiểm tra của học phần đó chỉ rút câu hỏi có mã của nó; để trống nếu là câu hỏi dùng chung của chủ đề.',
  question_pools_invalid: 'Mã học phần chỉ gồm chữ in hoa không dấu, chữ số, dấu chấm, gạch nối hoặc gạch dưới (tối đa 40 ký tự), tối đa 10 mã',
  quiz_pool_has: 'của học phần này: {n} câu',
  quiz_field_own_pool: 'Chỉ rút câu hỏi thuộc học phần này',
  quiz_own_pool_hint: 'Khi đánh dấu, mỗi lượt làm bài chỉ rút các câu hỏi được gắn mã của học phần này (cột «Thuộc học phần» của câu hỏi), để bài kiểm tra đúng nội dung học phần đã dạy.',
  module_publish_pool_short: 'Bài kiểm tra «{quiz}» cần {count} câu chủ đề «{topic}» thuộc học phần {pool} nhưng mới có {available} câu đang dùng được gắn mã này.',
};

export const en: Record<keyof typeof vi, string> = {
  question_col_pools: 'Module pools',
  question_pools_hint: 'Codes of the modules this question examines, separated by commas (e.g. VHCV-THAI-DO). That module\'s quiz draws only questions carrying its code; leave empty for a question shared by the whole topic.',
  question_pools_invalid: 'A module code holds only unaccented capital letters, digits, dots, hyphens or underscores (up to 40 characters); at most 10 codes',
  quiz_pool_has: 'of this module: {n}',
  quiz_field_own_pool: 'Draw only questions of this module',
  quiz_own_pool_hint: 'When ticked, each attempt draws only questions tagged with this module\'s code (the question\'s “Module pools” column), so the quiz examines what the module teaches.',
  module_publish_pool_short: 'The quiz “{quiz}” needs {count} questions on “{topic}” from module {pool}, but only {available} active ones carry that code.',
};
