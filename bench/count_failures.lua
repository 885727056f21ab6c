-- wrk counts only 4xx and 5xx as errors; a lost session answers 302 to the login page,
-- which would be measured as a fast queue page. Count every answer that is not 200.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failures")
  end
  io.write(string.format("Answers not 200: %d\n", total))
end
