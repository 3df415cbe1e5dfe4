-- wrk script: POST /api/v1/events with unique eventIds, one event or a batch per request.
-- args: key, prefix, batch size, comma-separated run ids[, occurredAt (default 2026-11-23T08:05:00Z)]
-- The request line and headers are built once; each request only adds its body, so the load
-- generator spends as little as it can of the cores it shares with the server.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local key = args[1]
  batch = tonumber(args[3])
  runs = {}
  for r in string.gmatch(args[4], "[^,]+") do
    table.insert(runs, r)
  end
  nruns = #runs
  head = "POST /api/v1/events HTTP/1.1\r\nHost: " .. wrk.headers["Host"]
    .. "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. key
    .. "\r\nContent-Length: "
  idPrefix = '{"eventId":"' .. args[2] .. "-" .. tid .. "-"
  occurredAt = args[5] or "2026-11-23T08:05:00Z"
end

local function event()
  counter = counter + 1
  return idPrefix .. counter
    .. '","type":"vehicle.position","occurredAt":"' .. occurredAt .. '","runId":"'
    .. runs[(counter % nruns) + 1] .. '","lat":52.4' .. (counter % 10) .. ',"lon":-1.9'
    .. (counter % 7) .. ',"speedKph":31}'
end

function request()
  local body
  if batch == 1 then
    body = event()
  else
    local items = {}
    for i = 1, batch do
      items[i] = event()
    end
    body = "[" .. table.concat(items, ",") .. "]"
  end
  return head .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"durationMicros":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Micros":%d,"p99Micros":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
