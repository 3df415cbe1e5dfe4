-- wrk script: trackers' positions, one a request, each tracker's fix time new on every request.
-- args: mode ("osmand": POST /osmand?id=..&lat=..&lon=..&timestamp=..&speed=.. as Traccar Client
-- sends it; "events": the same position as one vehicle.position event on POST /api/v1/events),
-- file of "trackerId runId" lines, first fix time (epoch seconds), operator key, eventId prefix,
-- wrk threads. Thread t of T gives tracker i its k-th fix at first + k*T + (t-1), so no two
-- requests of a run (or of runs with first times far enough apart) share a tracker and a second.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  ids = {}
  runs = {}
  for line in io.lines(args[2]) do
    local id, run = string.match(line, "^(%S+)%s+(%S+)$")
    if id then
      table.insert(ids, id)
      table.insert(runs, run)
    end
  end
  n = #ids
  first = tonumber(args[3])
  stride = tonumber(args[6])
  counter = 0
  host = "\r\nHost: " .. wrk.headers["Host"]
  head = "POST /api/v1/events HTTP/1.1" .. host
    .. "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. args[4]
    .. "\r\nContent-Length: "
  idPrefix = '{"eventId":"' .. args[5] .. "-" .. tid .. "-"
end

function request()
  local i = counter % n
  local second = first + math.floor(counter / n) * stride + (tid - 1)
  counter = counter + 1
  local lat = "52.4" .. (counter % 10) .. "1"
  local lon = "-1.9" .. (counter % 7) .. "2"
  if mode == "osmand" then
    return "POST /osmand?id=" .. ids[i + 1] .. "&lat=" .. lat .. "&lon=" .. lon
      .. "&timestamp=" .. string.format("%d", second) .. "&speed=16.8" .. " HTTP/1.1" .. host
      .. "\r\nContent-Length: 0\r\n\r\n"
  end
  local body = idPrefix .. counter
    .. '","type":"vehicle.position","occurredAt":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", second)
    .. '","runId":"' .. runs[i + 1] .. '","lat":' .. lat .. ',"lon":' .. lon
    .. ',"speedKph":31.1}'
  return head .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"durationMicros":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Micros":%d,"p99Micros":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
