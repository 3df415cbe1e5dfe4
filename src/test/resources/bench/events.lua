-- wrk script: POST /api/v1/events with unique eventIds, one event or a batch per request.
-- args: key, prefix, batch size, comma-separated run ids
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  key = args[1]
  prefix = args[2]
  batch = tonumber(args[3])
  runs = {}
  for r in string.gmatch(args[4], "[^,]+") do
    table.insert(runs, r)
  end
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
end

local function event()
  counter = counter + 1
  return string.format(
    '{"eventId":"%s-%d-%d","type":"vehicle.position","occurredAt":"2026-11-23T08:05:00Z","runId":"%s","lat":52.4%d,"lon":-1.9%d,"speedKph":31}',
    prefix, tid, counter, runs[(counter % #runs) + 1], counter % 10, counter % 7)
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
  return wrk.format("POST", "/api/v1/events", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"durationMicros":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Micros":%d,"p99Micros":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
