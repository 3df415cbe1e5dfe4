-- wrk script: a parent's page polling, GET on each path with one link's token, round robin over
-- every token in the file.
-- args: file of tokens (one a line), comma-separated paths (one poll: one request to each)
-- Every request is built once in init; request() only hands out the next one, so the load
-- generator spends as little as it can of the cores it shares with the server.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local paths = {}
  for p in string.gmatch(args[2], "[^,]+") do
    table.insert(paths, p)
  end
  built = {}
  for token in io.lines(args[1]) do
    if #token > 0 then
      for _, path in ipairs(paths) do
        table.insert(built, "GET " .. path .. " HTTP/1.1\r\nHost: " .. wrk.headers["Host"]
          .. "\r\nAccept: application/json\r\nAuthorization: Bearer " .. token .. "\r\n\r\n")
      end
    end
  end
  count = #built
  -- Each thread starts at its own place in the list, so the threads do not ask in step.
  at = math.floor((tid - 1) * count / 2)
end

function request()
  at = at + 1
  return built[(at % count) + 1]
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"durationMicros":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Micros":%d,"p90Micros":%d,"p99Micros":%d,"p999Micros":%d,"maxMicros":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
