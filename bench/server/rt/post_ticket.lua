-- SPDX-License-Identifier: MIT
-- wrk script: create a ticket through RT's REST2 API (JSON), each request
-- a different report in the phishing queue, from one of the reporters
-- setup.pl created (RT sends its autoreply to them, into a test file).
local n = 0
request = function()
	n = n + 1
	local id = math.random(1, 1000000000)
	local body = string.format(
	    '{"Queue":"phishing","Subject":"Phishing site at bank-%d-%d",' ..
	    '"Requestor":"reporter%d@example.net","ContentType":"text/plain",' ..
	    '"Content":"Phishing site at hxxp://bank-%d-%d[.]example/login ' ..
	    'imitating our bank, reported by a customer. ' ..
	    '銀行を装うフィッシングサイト\\n"}',
	    id, n, math.random(1, 200), id, n)
	return wrk.format("POST", "/REST/2.0/ticket",
	    { ["Content-Type"] = "application/json; charset=utf-8",
	      ["Authorization"] = wrk.headers["Authorization"] }, body)
end
