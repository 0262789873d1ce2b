-- wrk script: kiosk searches cycling through the mixed query set in
-- tests/bench/search.queries (class<TAB>query), URL-encoded.
local queries = {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

for line in io.lines(os.getenv("QUERIES")) do
  local q = line:match("^[^#][^\t]*\t(.+)$")
  if q then queries[#queries + 1] = "/api/v1/search?limit=20&q=" .. urlencode(q) end
end

-- FIXED: one path for every request (the peer's static file).
local fixed = os.getenv("FIXED")
if fixed == "" then fixed = nil end
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", fixed or queries[i], { ["Connection"] = os.getenv("CONN") or "keep-alive" })
end
