-- Each request comes from a random client address (the server trusts 127.0.0.1 as a proxy), so
-- that rate-limit rows spread as they would with many callers instead of one hot row.
math.randomseed(os.time())
request = function()
  local address = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("GET", nil, { ["X-Forwarded-For"] = address })
end
