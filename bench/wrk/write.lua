-- A write scenario (environment KIND: ticket, reply, signup or login). Every request carries
-- distinct content. Tickets are filed by the customers listed in the file FILERS (one line each:
-- cookie, CSRF token and subscription id, tab-separated), in turn. Writes stop WRITE_SECONDS after the start and the connections then fall
-- idle (an empty request gets no answer) until wrk's duration ends, so no write is cut off in
-- flight: the rows the database gained must equal the acknowledged (2xx/3xx) responses.
-- done() prints one JSON line for bench/load.sh.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local kind, csrf, run, deadline, path, headers
local ids, filers = {}, {}
local words = { "lambat", "putus", "mati", "lemot", "tidak bisa browsing", "sinyal hilang" }

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  kind = os.getenv("KIND")
  csrf = os.getenv("CSRF")
  run = os.getenv("RUN")
  for id in string.gmatch(os.getenv("IDS") or "", "%d+") do
    table.insert(ids, id)
  end
  headers = {
    ["Cookie"] = os.getenv("COOKIE"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = os.getenv("ORIGIN"),
  }
  if os.getenv("FILERS") then
    for line in io.lines(os.getenv("FILERS")) do
      local cookie, token, sub = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
      table.insert(filers, { cookie = cookie, csrf = token, subscription = sub })
    end
  end
  start = now()
  deadline = start + tonumber(os.getenv("WRITE_SECONDS"))
  n, acked, refused, failed, last_ack = 0, 0, 0, 0, start
  if kind == "ticket" then
    path = "/portal/tickets/new"
  elseif kind == "signup" then
    path = "/signup"
  elseif kind == "login" then
    path = "/login"
  end
end

function request()
  if now() >= deadline then
    return ""
  end
  n = n + 1
  local tag = string.format("%s-%d-%d", run, tid, n)
  local body, token = nil, csrf
  if kind == "ticket" then
    local f = filers[(n * 13 + tid * 7) % #filers + 1]
    headers["Cookie"], token = f.cookie, f.csrf
    body = "subscription=" .. f.subscription .. "&category=slow&body="
      .. enc("Internet " .. words[n % #words + 1] .. " sejak pagi, mohon dicek. Kode " .. tag)
  elseif kind == "reply" then
    path = "/staff/tickets/" .. ids[(n * 7 + tid) % #ids + 1] .. "/reply"
    body = "body=" .. enc("Baik Bapak/Ibu, sedang kami periksa. Ref " .. tag)
  elseif kind == "signup" then
    -- A distinct mobile number per request: the run's prefix (0857, run, instance, connections)
    -- + thread + counter: 13 digits.
    body = string.format("name=%s&phone=%s%d%04d&email=&address=%s&area_id=%s&package_id=%s"
      .. "&referral_code=&password=%s&consent=on",
      enc("Pendaftar " .. tag), os.getenv("PHONE_PREFIX"), tid, n % 10000, enc("Jl. Beban No. " .. n),
      os.getenv("AREA"), os.getenv("PACKAGE"), enc("rahasia-beban-" .. tag))
  elseif kind == "login" then
    body = "login=" .. enc(os.getenv("LOGIN")) .. "&password=" .. enc(os.getenv("PASSWORD"))
  end
  return wrk.format("POST", path, headers, "_csrf=" .. enc(token) .. "&" .. body)
end

function response(status, headers, body)
  if status >= 200 and status < 400 then
    acked = acked + 1
    last_ack = now()
  elseif status == 503 then
    refused = refused + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local a, r, f, seconds = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    r = r + t:get("refused")
    f = f + t:get("failed")
    seconds = math.max(seconds, t:get("last_ack") - t:get("start"))
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"acknowledged":%d,"refused_503":%d,"seconds":%.3f,"rps":%.1f,'
      .. '"p50_ms":%.2f,"p99_ms":%.2f,"errors":%d}\n',
    summary.requests, a, r, seconds, a / math.max(seconds, 0.001),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    f + e.connect + e.read + e.write + e.timeout))
end
