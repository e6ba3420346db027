-- The statement GET /v1 runs per request (Sources/App/RateLimiter.swift), with the same key
-- distribution as bench/spread-clients.lua. :interval is the emission interval in seconds.
\set a random(0, 255)
\set b random(0, 255)
\set c random(1, 254)
INSERT INTO rate_limits AS r (key, tat, allowed)
VALUES ('address:10.' || :a || '.' || :b || '.' || :c, now() + make_interval(secs => :interval), true)
ON CONFLICT (key) DO UPDATE SET
    allowed = greatest(r.tat, now()) + make_interval(secs => :interval) <= now() + make_interval(secs => 60),
    tat = CASE WHEN greatest(r.tat, now()) + make_interval(secs => :interval) <= now() + make_interval(secs => 60)
               THEN greatest(r.tat, now()) + make_interval(secs => :interval) ELSE r.tat END
RETURNING allowed, extract(epoch FROM tat - now())::float8;
