// Byte-exact Sidekiq 6.4.1 output; see sidekiq_fixtures_641.h. Do not reformat.

#include "sidekiq_fixtures_641.h"

namespace fixtures641 {
// LRANGE queue:default — HardJob.perform_async(1, "x") with sidekiq_options backtrace: 3, tags: ["t1"]
const std::string_view kQueuedHardJob
    = R"J({"retry":true,"queue":"default","backtrace":3,"tags":["t1"],"args":[1,"x"],"class":"HardJob","jid":"d371e1254dd6aec2abcd056d","created_at":1795436692.106477,"enqueued_at":1795436692.1069198})J";
// LRANGE queue:default — NoRetryJob (sidekiq_options retry: 0)
const std::string_view kQueuedNoRetryJob
    = R"J({"retry":0,"queue":"default","args":[],"class":"NoRetryJob","jid":"11760fc1c54172b0361c3c10","created_at":1795436692.1120157,"enqueued_at":1795436692.1120524})J";
// LRANGE queue:critical — FullBtJob.perform_async({"k"=>[1,2.5,nil,true]}, "unicode ü €"), retry: 2, backtrace: true
const std::string_view kQueuedFullBtJob
    = R"J({"retry":2,"queue":"critical","backtrace":true,"args":[{"k":[1,2.5,null,true]},"unicode ü €"],"class":"FullBtJob","jid":"39011f2109ad68da291f4c7d","created_at":1795436692.1114976,"enqueued_at":1795436692.1115634})J";
// LRANGE queue:low — Sidekiq::Client.push("class" => "StringClassJob", "args" => [], "queue" => "low")
const std::string_view kQueuedStringClassJob
    = R"J({"retry":true,"queue":"low","class":"StringClassJob","args":[],"jid":"410736b9d971a3c3d4d6256e","created_at":1795436692.1127782,"enqueued_at":1795436692.1128047})J";
// ZRANGE schedule — SlowJob.perform_in(3600, 7): no enqueued_at; score as stored
const std::string_view kScheduledSlowJob
    = R"J({"retry":true,"queue":"default","class":"SlowJob","args":[7],"jid":"49fd3bc62dca967160243ebf","created_at":1795436692.1124153})J";
const std::string_view kScheduledSlowJobScore = R"J(1795440292.1123085)J";
// ZRANGE retry after the first failure (failed_at, retry_count 0, error_backtrace 3 lines, encode64 with newlines)
const std::string_view kRetryHardJobFirstFailure
    = R"J({"retry":true,"queue":"default","backtrace":3,"tags":["t1"],"args":[1,"x"],"class":"HardJob","jid":"5ddac8d625b489ce1a3c3fc8","created_at":1795435951.802848,"enqueued_at":1795435951.802992,"error_message":"boom for user 12345 id=deadbeefcafe0001","error_class":"ArgumentError","failed_at":1795435956.8399515,"retry_count":0,"error_backtrace":"eJy1zVsOgjAQQNGtNP1BE2GCIU1kK8QoxQFHCsWZ1uDuBR9L8PfmJqfSEIYJ\npG9phpu3krEtTUmjOk/Irech0TsNURjkWjMCR/vscJCUxoAd14H8CLVzsEYQ\numBP99RkRZaDI/srMLFvUMTzCuSHD4EzNjHgaYH/wpjizVjnm15t9srhA51s\n1RK/Y6KPL8MQW2A=\n"})J";
// ZRANGE retry after the first failure of a class that cannot be loaded (NameError, no backtrace option)
const std::string_view kRetryStringClassJobFirstFailure
    = R"J({"retry":true,"queue":"low","class":"StringClassJob","args":[],"jid":"87c6053928edf4935a14cab1","created_at":1795435951.805501,"enqueued_at":1795435951.8055146,"error_message":"uninitialized constant StringClassJob\n\n      return Object.const_get(str) unless str.include?(\"::\")\n                   ^^^^^^^^^^\nDid you mean?  StringScanner","error_class":"NameError","failed_at":1795435956.8553162,"retry_count":0})J";
// ZRANGE retry after later failures: retry_count 5, retried_at appended after error_backtrace
const std::string_view kRetryHardJobLater
    = R"J({"retry":true,"queue":"default","backtrace":3,"tags":["t1"],"args":[1,"x"],"class":"HardJob","jid":"5ddac8d625b489ce1a3c3fc8","created_at":1795435951.802848,"enqueued_at":1795436464.011768,"error_message":"boom for user 12345 id=deadbeefcafe0001","error_class":"ArgumentError","failed_at":1795435956.8399515,"retry_count":5,"error_backtrace":"eJy1zVsOgjAQQNGtNP1BE2GCIU1kK8QoxQFHCsWZ1uDuBR9L8PfmJqfSEIYJ\npG9phpu3krEtTUmjOk/Irech0TsNURjkWjMCR/vscJCUxoAd14H8CLVzsEYQ\numBP99RkRZaDI/srMLFvUMTzCuSHD4EzNjHgaYH/wpjizVjnm15t9srhA51s\n1RK/Y6KPL8MQW2A=\n","retried_at":1795436464.012592})J";
// ZRANGE dead — retry: 0 goes straight to the morgue
const std::string_view kDeadNoRetryJob
    = R"J({"retry":0,"queue":"default","args":[],"class":"NoRetryJob","jid":"0a0d6dee9ccc8afeff944249","created_at":1795435951.8048441,"enqueued_at":1795435951.804859,"error_message":"dies immediately","error_class":"RuntimeError","failed_at":1795435956.841809,"retry_count":0})J";
// ZRANGE dead — retries exhausted (retry: 2), full backtrace (backtrace: true)
const std::string_view kDeadFullBtJob
    = R"J({"retry":2,"queue":"critical","backtrace":true,"args":[{"k":[1,2.5,null,true]},"unicode ü €"],"class":"FullBtJob","jid":"0e350c30c49fdbb62a455cb7","created_at":1795435951.8044512,"enqueued_at":1795435995.5555594,"error_message":"full: \"quoted\" ü","error_class":"RuntimeError","failed_at":1795435956.841145,"retry_count":2,"error_backtrace":"eJy1lctuhDAMRX8FsZlWaifllXmo6k90WVU0EA+khIQmYR5/XwhTCRbd4a0V\n3aNrXzsfIXFtR2xzElfyrQu7NcUx2h+FCr46MCdt2k34FJLeGmJrZoCYvrhV\n0NpnoRxUhjmhFWFSkrFIrODQiJ9nuk23EZGi+KuQzugSrNXGEw7UI+AKZe8g\nH8goGJp6TCF12QQPcSDhDNI+BkPx/nAlbCs4l3AZJcqaCeXpSeLpQp11Azj+\nkpm/1U0tWQmd95LOe8mF7Zgr65W4QxpyA87cPDeaZjhgmcQxls2NZXjGRlr6\nspzYa6t5L+H4Pj15w3EYzR2miKNbcONs57nWMYeTyXiRyQQ5k1JXFdw76rlD\nInEiGWf/3i3MXdtPOamkLpB2LU6X8UedUnKY/jED3SCK42cKAuYWRTS+20C7\n7bv9nJBrhdIsOlFMr1ZS752Qo3A2XYHLOAGuq5XVabaMrGUnyF1tgPFN+PkL\niUBFcw==\n","retried_at":1795435995.557486})J";
// The process heartbeat hash vm:4994:9daa76d8cf82 (HGETALL)
const std::string_view kProcessIdentity = R"J(vm:4994:9daa76d8cf82)J";
const std::string_view kProcess_info
    = R"J({"hostname":"vm","started_at":1795435956.8338947,"pid":4994,"tag":"mytag","concurrency":3,"queues":["default","critical","low"],"labels":[],"identity":"vm:4994:9daa76d8cf82"})J";
const std::string_view kProcess_busy = R"J(1)J";
const std::string_view kProcess_beat = R"J(1795435971.8599043)J";
const std::string_view kProcess_quiet = R"J(false)J";
const std::string_view kProcess_rss = R"J(31340)J";
const std::string_view kProcess_rtt_us = R"J(290)J";
// HGETALL vm:4994:9daa76d8cf82:workers while SlowJob.perform_async(20) ran (≤ 6.4.1 key name)
const std::string_view kWorkersThreadId = R"J(4fm)J";
const std::string_view kWorkersValue
    = R"J({"queue":"default","payload":"{\"retry\":true,\"queue\":\"default\",\"args\":[20],\"class\":\"SlowJob\",\"jid\":\"f74fe1e18519ea6000cab586\",\"created_at\":1795435956.4164996,\"enqueued_at\":1795435956.4166708}","run_at":1795435956})J";
} // namespace fixtures641
