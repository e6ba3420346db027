-- Rate limits live in each instance's memory, so that a read writes nothing. Instances of one
-- group (those behind one load balancer) share every quota: each says it is alive every few
-- seconds here and allows its share, the quota divided by the instances it sees alive.
CREATE TABLE server_instances (
    id uuid PRIMARY KEY,
    quota_group text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_instances_group ON server_instances (quota_group, seen_at);

DROP TABLE rate_limits;
