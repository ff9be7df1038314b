/** Messages of background jobs (server/jobs) and of the import conflicts they prevent; English has the same keys. */
export const vi = {
  job_failed: 'Công việc chạy nền bị dừng do lỗi hệ thống',
  job_abandoned: 'Công việc chạy nền đã bị dừng hẳn vì nhiều lần làm máy chủ gián đoạn; hãy kiểm tra lại dữ liệu đầu vào (ví dụ tệp tải lên) rồi thử lại',
  job_status_queued: 'Đang chờ đến lượt',
  import_busy: 'Đang có một lượt nhập danh sách cán bộ khác ghi vào cơ sở dữ liệu. Hai lượt nhập không được ghi cùng lúc; vui lòng chờ lượt đó xong (thường dưới một phút) rồi bấm nhập lại',
  import_conflict: 'Lượt nhập dừng lại vì cùng lúc đó dữ liệu cán bộ vừa bị thay đổi ở nơi khác (ví dụ một mã cán bộ hay email vừa được thêm). Không có gì bị ghi dở dang; hãy chạy kiểm tra lại tệp rồi nhập lại',
};

export const en: Record<keyof typeof vi, string> = {
  job_failed: 'The background job stopped on a system error',
  job_abandoned: 'The background job was given up after interrupting the server several times; check its input (e.g. the uploaded file) and try again',
  job_status_queued: 'Waiting for its turn',
  import_busy: 'Another officer import is writing to the database. Two imports never write at the same time; please wait for it to end (usually under a minute) and import again',
  import_conflict: 'The import stopped because officer data changed elsewhere at the same moment (e.g. an officer code or e-mail was just added). Nothing was left half-written; check the file again and import it again',
};
