-- One page of the load test (bench/scale.py, through bench/load.py): GET requests to one path, or to
-- each path of a file in turn, with an optional Cookie header; at the end, one JSON line of figures.
--
--   APO_BENCH_PATHS=paths.txt APO_BENCH_COOKIE='sessionid=…' \
--     wrk -t2 -c16 -d10s --timeout 10s -s bench/wrk/page.lua http://127.0.0.1:PORT/projects/
--
-- Without APO_BENCH_PATHS every request goes to the URL's path. Every connection's thread has its own
-- Lua state; each reads the file and starts at a different place in it.

local paths = {}
local next_path = 1
-- As a browser asks: the portal compresses its pages for clients that accept gzip.
local headers = {["Accept-Encoding"] = "gzip, deflate, br"}

local cookie = os.getenv("APO_BENCH_COOKIE")
if cookie and cookie ~= "" then
  headers["Cookie"] = cookie
end

local file = os.getenv("APO_BENCH_PATHS")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
end

function init(args)
  if #paths > 0 then
    next_path = math.random(#paths)
  end
end

function request()
  if #paths == 0 then
    return wrk.format("GET", nil, headers)
  end
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path, headers)
end

-- Latencies are in microseconds; durations too.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
