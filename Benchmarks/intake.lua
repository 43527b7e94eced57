-- wrk script: POST a distinct Flowroute v1 callback each time, so every request takes the
-- durable path (one committed INSERT), never the duplicate shortcut.
local next_thread = 0

function setup(thread)
  -- Runs in the main Lua state; `tid` becomes a global of that thread's own state.
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  counter = 0
  prefix = os.time() .. "-" .. tid .. "-"
end

function request()
  counter = counter + 1
  local body = '{"to": "12066418000", "body": "Benchmark message", "from": "18553569768", "id": "bench-'
    .. prefix .. counter .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
