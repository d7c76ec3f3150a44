-- SPDX-License-Identifier: MIT
-- wrk script: POST a plain-text report; each request a different one, so
-- intake opens a new incident (no repeat detection shortcut).
local n = 0
request = function()
	n = n + 1
	local body = string.format(
	    "Phishing site at hxxp://bank-%d-%d[.]example/login imitating " ..
	    "our bank, reported by a customer. 銀行を装うフィッシングサイト\n",
	    math.random(1, 1000000000), n)
	return wrk.format("POST", "/api/v1/reports",
	    { ["Content-Type"] = "text/plain; charset=utf-8",
	      ["Authorization"] = wrk.headers["Authorization"] }, body)
end
