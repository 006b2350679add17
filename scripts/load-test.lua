-- wrk script for scripts/load-test: every request carries the API token, or with SMM_COOKIE set,
-- that session cookie instead (as a signed-in browser asks for a page); with SMM_BODY_FILE set,
-- every request is a POST of that file as YAML (a new assessment each time). At the end it prints
-- one line that scripts/load-test reads.
--
-- Environment: SMM_TOKEN (the API token's secret), SMM_COOKIE (optional, `name=value`),
-- SMM_BODY_FILE (optional).
--
-- "errors" counts responses with a status of 400 or more (wrk's own count; no Lua runs per
-- response, which would slow the client down); socket errors are connect, read, write and
-- timeout errors.

local cookie = os.getenv("SMM_COOKIE")
local token = os.getenv("SMM_TOKEN")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
elseif token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
else
  error("neither SMM_COOKIE nor SMM_TOKEN is set")
end

local body_file = os.getenv("SMM_BODY_FILE")
if body_file ~= nil and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/yaml"
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "result requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " errors=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
