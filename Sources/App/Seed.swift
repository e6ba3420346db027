import Foundation
import Postgres

/// Realistic data for trials and benchmarks, written with set-based SQL (`INSERT ... SELECT` over
/// `generate_series`, in the database, no row crossing the wire): organisations in 40 countries
/// and 7 sectors, accounts with memberships in one or two communities, circles, themes, needs
/// with themes and co-signs, threads and posts with practice records and endorsements. Every
/// value and id comes from a hash of the seed, so the same seed writes the same data; times (and
/// the UUIDv7 ids that carry them) are relative to the moment of seeding, so that "the last 90
/// days" always holds data.
public struct Seed: Sendable {
    public enum Scale: String, Sendable, CaseIterable {
        case small, medium, large

        var communities: Int { [.small: 5, .medium: 20, .large: 50][self]! }
        var organisations: Int { [.small: 100, .medium: 400, .large: 1_000][self]! }
        var accounts: Int { [.small: 2_000, .medium: 8_000, .large: 20_000][self]! }
        var needs: Int { [.small: 5_000, .medium: 20_000, .large: 50_000][self]! }
        var threads: Int { [.small: 500, .medium: 2_000, .large: 10_000][self]! }
        var posts: Int { [.small: 20_000, .medium: 200_000, .large: 1_000_000][self]! }
    }

    /// The tables' rows after seeding, and the first community with its long thread, its convenor
    /// and its first members who are not vendors (vendors may be kept from needs).
    public struct Written: Sendable {
        public var counts: [(table: String, rows: Int)]
        public var communityID: UUID
        public var longThreadID: UUID
        public var convenorID: UUID
        public var memberIDs: [UUID]
    }

    static let countedTables = [
        "organisations", "accounts", "communities", "memberships", "circles", "circle_members", "themes", "needs",
        "need_themes", "need_cosigns", "threads", "posts", "practice_records", "endorsements",
    ]

    public let scale: Scale
    public let seed: Int

    public init(scale: Scale, seed: Int) {
        self.scale = scale
        self.seed = seed
    }

    static let countries = [
        "KE", "GH", "NG", "ZA", "IN", "BR", "FR", "DE", "US", "ID", "PH", "EG", "RW", "UG", "TZ", "ET", "SN", "CI",
        "MA", "TN", "MX", "CO", "PE", "CL", "AR", "CA", "GB", "ES", "IT", "PT", "NL", "SE", "NO", "FI", "PL", "UA",
        "TR", "PK", "BD", "VN",
    ]
    static let sectors = ["education", "finance", "ict", "communications", "planning", "science_technology", "other"]

    /// The steps in order, each a name and its statements; `run` reports each as it ends.
    var steps: [(name: String, statements: [SQL])] {
        let postBatch = 100_000
        let batches = (scale.posts + postBatch - 1) / postBatch
        return [
            ("organisations", [organisations]),
            ("accounts", [accounts, numberAccounts]),
            ("communities and memberships", [communities, memberships, numberMembers]),
            ("circles", [circles, circleMembers]),
            ("themes", [themes, numberThemes]),
            ("needs", [needs, needThemes, needCosigns]),
            ("threads", [threads, numberThreads]),
        ]
            + (0..<batches).map { batch in
                let first = batch * postBatch + 1
                let last = min(scale.posts, (batch + 1) * postBatch)
                return ("posts \(first)–\(last) of \(scale.posts)", posts(from: first, to: last))
            }
            + [
                (
                    "post counts and statistics",
                    [
                        postCounts,
                        """
                        ANALYZE organisations, accounts, communities, memberships, circles, circle_members, themes,
                                needs, need_themes, need_cosigns, threads, posts, practice_records, endorsements
                        """,
                    ]
                )
            ]
    }

    public var stepCount: Int { steps.count }

    /// Writes everything in one transaction (a failed seed leaves nothing), reporting each step;
    /// `members` is how many of the first community's members to name.
    public func run(on pool: ConnectionPool, members: Int, progress: (_ step: Int, _ name: String) -> Void) throws
        -> Written
    {
        try pool.withTransaction { connection in
            let taken: Int = try connection.single(
                "SELECT count(*)::int AS n FROM communities WHERE slug LIKE \("seed\(seed)-%")")["n"]
            guard taken == 0 else { throw SeedError.alreadySeeded(seed) }
            try connection.execute(script: functions)
            for (index, step) in steps.enumerated() {
                progress(index, step.name)
                for statement in step.statements { try connection.query(statement) }
            }
            progress(steps.count, "done")
            let counted = try connection.single(
                """
                SELECT
                       (SELECT count(*) FROM organisations)::int AS organisations,
                       (SELECT count(*) FROM accounts)::int AS accounts,
                       (SELECT count(*) FROM communities)::int AS communities,
                       (SELECT count(*) FROM memberships)::int AS memberships,
                       (SELECT count(*) FROM circles)::int AS circles,
                       (SELECT count(*) FROM circle_members)::int AS circle_members,
                       (SELECT count(*) FROM themes)::int AS themes,
                       (SELECT count(*) FROM needs)::int AS needs,
                       (SELECT count(*) FROM need_themes)::int AS need_themes,
                       (SELECT count(*) FROM need_cosigns)::int AS need_cosigns,
                       (SELECT count(*) FROM threads)::int AS threads,
                       (SELECT count(*) FROM posts)::int AS posts,
                       (SELECT count(*) FROM practice_records)::int AS practice_records,
                       (SELECT count(*) FROM endorsements)::int AS endorsements
                """)
            let first = try connection.single(
                """
                SELECT s.id, s.convenor,
                       (SELECT id FROM seed_threads t WHERE t.j = \(scale.communities)) AS long_thread,
                       ARRAY(SELECT m.account_id FROM seed_members m JOIN accounts a ON a.id = m.account_id
                             JOIN organisations o ON o.id = a.organisation_id
                             WHERE m.c = 0 AND m.role = 'member' AND a.member_kind <> 'vendor' AND o.kind <> 'vendor'
                             ORDER BY m.k LIMIT \(members)) AS members
                FROM seed_communities s WHERE s.c = 0
                """)
            return Written(
                counts: try Seed.countedTables.map { ($0, try counted[$0] as Int) }, communityID: try first["id"],
                longThreadID: try first["long_thread"], convenorID: try first["convenor"],
                memberIDs: try first["members"])
        }
    }

    // MARK: Statements

    /// Deterministic helpers for this session: a hash of (tag, i) under the seed, a pick in 0..<n,
    /// a UUIDv7-shaped id, and the row counts of what this seed wrote.
    private var functions: String {
        """
        SET LOCAL statement_timeout = 0;
        CREATE FUNCTION pg_temp.seed_hash(tag text, i bigint) RETURNS text LANGUAGE sql IMMUTABLE
        AS $$ SELECT md5('\(seed):' || tag || ':' || i) $$;
        CREATE FUNCTION pg_temp.seed_pick(tag text, i bigint, n bigint) RETURNS int LANGUAGE sql IMMUTABLE
        AS $$ SELECT (('x' || substr(pg_temp.seed_hash(tag, i), 1, 12))::bit(48)::bigint % n)::int $$;
        CREATE FUNCTION pg_temp.seed_id(tag text, i bigint, at timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE
        AS $$ SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7'
                      || substr(h, 1, 3) || substr('89ab', 1 + pg_temp.seed_pick(tag || '/v', i, 4), 1)
                      || substr(h, 4, 15))::uuid
                      FROM (SELECT pg_temp.seed_hash(tag, i) AS h) AS x $$;
        CREATE TEMPORARY TABLE seed_organisations (n int PRIMARY KEY, id uuid, country text) ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_accounts (n int PRIMARY KEY, id uuid) ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_communities (c int PRIMARY KEY, id uuid, convenor uuid, chatham boolean)
            ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_members (c int, k int, account_id uuid, role text, PRIMARY KEY (c, k))
            ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_writers (c int, k int, account_id uuid, PRIMARY KEY (c, k)) ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_themes (c int, t int, id uuid, PRIMARY KEY (c, t)) ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_threads (j int PRIMARY KEY, id uuid, c int) ON COMMIT DROP;
        CREATE TEMPORARY TABLE seed_posts (i int PRIMARY KEY, id uuid, thread_id uuid, c int, author_id uuid,
                                           kind text) ON COMMIT DROP;
        """
    }

    private var organisations: SQL {
        """
        WITH made AS (
          INSERT INTO organisations (id, name, kind, country, sector)
          SELECT pg_temp.seed_id('organisation', i, now() - interval '2 years'), 'Organisation ' || i, kind,
                 (\(Seed.countries)::text[])[1 + i % \(Seed.countries.count)],
                 -- A sector for government bodies only, as the schema asks.
                 CASE WHEN kind = 'government'
                   THEN (\(Seed.sectors)::text[])[1 + pg_temp.seed_pick('organisation-sector', i, \(Seed.sectors.count))]
                 END
          FROM generate_series(1, \(scale.organisations)) AS i
          CROSS JOIN LATERAL (
            SELECT (ARRAY['government', 'government', 'government', 'academic', 'practitioner', 'vendor',
                          'multilateral'])[1 + pg_temp.seed_pick('organisation-kind', i, 7)] AS kind
          ) AS k
          RETURNING id, country
        )
        INSERT INTO seed_organisations SELECT row_number() OVER (ORDER BY id) - 1, id, country FROM made
        """
    }

    private var accounts: SQL {
        """
        INSERT INTO accounts (id, email, display_name, organisation_id, country, job_title, member_kind, expertise,
                              status)
        SELECT pg_temp.seed_id('account', i, now() - interval '1 year'),
               'seed' || \(seed) || '-member-' || i || '@example.org', 'Member ' || i, o.id, o.country,
               'Officer ' || i,
               (ARRAY['official', 'official', 'official', 'official', 'official', 'scholar', 'scholar',
                      'practitioner', 'vendor', 'facilitator'])[1 + pg_temp.seed_pick('account-kind', i, 10)],
               ARRAY[(ARRAY['procurement', 'ict', 'curriculum', 'finance', 'statistics'])[1 + i % 5]], 'active'
        FROM generate_series(1, \(scale.accounts)) AS i
        JOIN seed_organisations o ON o.n = pg_temp.seed_pick('account-organisation', i, \(scale.organisations))
        """
    }

    private var numberAccounts: SQL {
        """
        INSERT INTO seed_accounts
        SELECT row_number() OVER (ORDER BY email) - 1, id FROM accounts
        WHERE email LIKE \("seed\(seed)-member-%@example.org")
        """
    }

    /// Community c's convenor is account c; every third community keeps the Chatham House rule.
    private var communities: SQL {
        """
        WITH made AS (
          INSERT INTO communities (id, slug, name, purpose, visibility, join_policy, allowed_member_kinds,
                                   observers_allowed, chatham_house, min_cell_size, created_by)
          SELECT pg_temp.seed_id('community', c, now() - interval '1 year'), 'seed' || \(seed) || '-' || (c + 1),
                 'Community ' || (c + 1), 'Seeded community of practice ' || (c + 1),
                 CASE WHEN c % 4 = 3 THEN 'unlisted' ELSE 'listed' END, 'apply',
                 ARRAY['official', 'scholar', 'practitioner', 'vendor', 'facilitator'], true, c % 3 = 0, 3, a.id
          FROM generate_series(0, \(scale.communities - 1)) AS c JOIN seed_accounts a ON a.n = c
          RETURNING id, created_by, chatham_house, slug
        )
        INSERT INTO seed_communities
        SELECT split_part(slug, '-', 2)::int - 1, id, created_by, chatham_house FROM made
        """
    }

    /// Each account in community n % C; every third also in another. Roles: the convenor, then
    /// one in 50 an observer, one in 97 a guest (for 90 days), the rest members.
    private var memberships: SQL {
        """
        WITH placed AS (
          SELECT a.n, a.id, a.n % \(scale.communities) AS c FROM seed_accounts a
          UNION
          SELECT a.n, a.id, (a.n / 3 + 1) % \(scale.communities) FROM seed_accounts a WHERE a.n % 3 = 0
        ), roles AS (
          SELECT p.*, CASE WHEN p.id = s.convenor THEN 'convenor' WHEN p.n % 50 = 1 THEN 'observer'
                           WHEN p.n % 97 = 2 THEN 'guest' ELSE 'member' END AS role
          FROM placed p JOIN seed_communities s ON s.c = p.c
        ), made AS (
          INSERT INTO memberships (community_id, account_id, role, status, expires_at)
          SELECT s.id, r.id, r.role, 'active', CASE WHEN r.role = 'guest' THEN now() + interval '90 days' END
          FROM roles r JOIN seed_communities s ON s.c = r.c
          RETURNING community_id, account_id, role
        )
        INSERT INTO seed_members
        SELECT s.c, row_number() OVER (PARTITION BY s.c ORDER BY m.account_id) - 1, m.account_id, m.role
        FROM made m JOIN seed_communities s ON s.id = m.community_id
        """
    }

    private var numberMembers: SQL {
        """
        INSERT INTO seed_writers
        SELECT c, row_number() OVER (PARTITION BY c ORDER BY k) - 1, account_id FROM seed_members
        WHERE role IN ('member', 'convenor')
        """
    }

    private var circles: SQL {
        """
        INSERT INTO circles (id, community_id, name, created_by)
        SELECT pg_temp.seed_id('circle', s.c * 2 + k, now() - interval '6 months'), s.id,
               (ARRAY['Ministers', 'Procurement leads'])[k + 1], s.convenor
        FROM seed_communities s CROSS JOIN generate_series(0, 1) AS k
        """
    }

    /// One writer in ten of each community in its first circle, one in twenty in its second.
    private var circleMembers: SQL {
        """
        INSERT INTO circle_members (circle_id, account_id, added_by)
        SELECT pg_temp.seed_id('circle', w.c * 2 + circle, now() - interval '6 months'), w.account_id, s.convenor
        FROM seed_writers w JOIN seed_communities s ON s.c = w.c CROSS JOIN generate_series(0, 1) AS circle
        WHERE w.k % (10 * (circle + 1)) = 0
        """
    }

    private var themes: SQL {
        """
        INSERT INTO themes (id, community_id, name, status, created_by)
        SELECT pg_temp.seed_id('theme', s.c * 30 + t, now() - interval '1 year'), s.id,
               (ARRAY['Device procurement', 'Connectivity', 'Teacher training', 'Data protection', 'Curriculum',
                      'Budgeting', 'Maintenance', 'Open standards', 'Accessibility', 'Evaluation'])[1 + t % 10]
                 || CASE WHEN t >= 10 THEN ' ' || (t / 10 + 1) ELSE '' END,
               'active', s.convenor
        FROM seed_communities s CROSS JOIN generate_series(0, 29) AS t
        """
    }

    private var numberThemes: SQL {
        """
        INSERT INTO seed_themes
        SELECT s.c, row_number() OVER (PARTITION BY s.c ORDER BY t.id) - 1, t.id
        FROM themes t JOIN seed_communities s ON s.id = t.community_id
        """
    }

    /// Need i in community i % C, and one in five in the first (a busy one), by one of its writers,
    /// over the last year.
    private var needs: SQL {
        """
        INSERT INTO needs (id, community_id, author_id, recorded_by, source, title, urgency, created_at)
        SELECT pg_temp.seed_id('need', i, at), s.id, w.account_id, w.account_id, 'self', 'Need ' || i,
               1 + pg_temp.seed_pick('need-urgency', i, 5), at
        FROM generate_series(1, \(scale.needs)) AS i
        CROSS JOIN LATERAL (SELECT now() - pg_temp.seed_pick('need-age', i, 365 * 24) * interval '1 hour' AS at) AS t
        JOIN seed_communities s ON s.c = CASE WHEN i % 5 = 0 THEN 0 ELSE i % \(scale.communities) END
        JOIN LATERAL (SELECT count(*) AS size FROM seed_writers x WHERE x.c = s.c) AS z ON true
        JOIN seed_writers w ON w.c = s.c AND w.k = pg_temp.seed_pick('need-author', i, z.size)
        """
    }

    private var needThemes: SQL {
        """
        INSERT INTO need_themes (need_id, theme_id)
        SELECT DISTINCT n.id, t.id
        FROM needs n JOIN seed_communities s ON s.id = n.community_id
        CROSS JOIN LATERAL generate_series(0, pg_temp.seed_pick('need-theme-count', hashtext(n.id::text), 3)) AS k
        JOIN seed_themes t ON t.c = s.c AND t.t = pg_temp.seed_pick('need-theme-' || k, hashtext(n.id::text), 30)
        WHERE n.title LIKE 'Need %' AND n.community_id IN (SELECT id FROM seed_communities)
        """
    }

    private var needCosigns: SQL {
        """
        INSERT INTO need_cosigns (need_id, account_id)
        SELECT n.id, w.account_id
        FROM needs n JOIN seed_communities s ON s.id = n.community_id
        JOIN LATERAL (SELECT count(*) AS size FROM seed_writers x WHERE x.c = s.c) AS z ON true
        JOIN seed_writers w ON w.c = s.c AND w.k = pg_temp.seed_pick('need-cosign', hashtext(n.id::text), z.size)
        WHERE w.account_id <> n.author_id
        ON CONFLICT DO NOTHING
        """
    }

    private var threads: SQL {
        """
        INSERT INTO threads (id, community_id, title, problem, chatham_house, created_by, created_at)
        SELECT pg_temp.seed_id('thread', j, at), s.id, 'Thread ' || j || ': buying devices for schools',
               'How do we buy, connect and maintain devices for schools?', s.chatham, w.account_id, at
        FROM generate_series(1, \(scale.threads)) AS j
        CROSS JOIN LATERAL (SELECT now() - interval '300 days' + j * interval '1 minute' AS at) AS t
        JOIN seed_communities s ON s.c = j % \(scale.communities)
        JOIN LATERAL (SELECT count(*) AS size FROM seed_writers x WHERE x.c = s.c) AS z ON true
        JOIN seed_writers w ON w.c = s.c AND w.k = pg_temp.seed_pick('thread-author', j, z.size)
        """
    }

    private var numberThreads: SQL {
        """
        INSERT INTO seed_threads
        SELECT split_part(split_part(title, ':', 1), ' ', 2)::int, t.id, s.c
        FROM threads t JOIN seed_communities s ON s.id = t.community_id
        """
    }

    /// Posts first..last: one in ten in the first community's first thread (a long one), the others in any thread, by
    /// one of its community's writers; one in five a practice or risk record, one in three
    /// endorsed, one in a thousand says "procurement".
    private func posts(from first: Int, to last: Int) -> [SQL] {
        [
            "TRUNCATE seed_posts",
            """
            INSERT INTO seed_posts
            SELECT i, pg_temp.seed_id('post', i, now() - interval '299 days' + i * interval '20 seconds'), t.id, t.c,
                   w.account_id, (ARRAY['comment', 'question', 'practice', 'risk', 'evidence'])[1 + i % 5]
            FROM generate_series(\(first)::int, \(last)::int) AS i
            JOIN seed_threads t
              ON t.j = CASE WHEN i % 10 = 0 THEN \(scale.communities) ELSE 1 + pg_temp.seed_pick('post-thread', i, \(scale.threads)) END
            JOIN LATERAL (SELECT count(*) AS size FROM seed_writers x WHERE x.c = t.c) AS z ON true
            JOIN seed_writers w ON w.c = t.c AND w.k = pg_temp.seed_pick('post-author', i, z.size)
            """,
            """
            INSERT INTO posts (id, thread_id, community_id, author_id, kind, body, created_at)
            SELECT p.id, p.thread_id, s.id, p.author_id, p.kind,
                   'Post ' || p.i || ' on devices, schools and '
                   || (ARRAY['leasing', 'tablets', 'connectivity', 'training', 'maintenance'])[1 + p.i % 5]
                   || CASE WHEN p.i % 1000 = 7 THEN ' and procurement' ELSE '' END,
                   now() - interval '299 days' + p.i * interval '20 seconds'
            FROM seed_posts p JOIN seed_communities s ON s.c = p.c
            """,
            """
            INSERT INTO practice_records (post_id, thread_id, community_id, intervention, outcome, confidence,
                                          negative_impacts, context_country)
            SELECT p.id, p.thread_id, s.id, 'Intervention ' || p.i,
                   (ARRAY['positive', 'negative', 'mixed', 'unknown'])[1 + pg_temp.seed_pick('outcome', p.i, 4)],
                   (ARRAY['low', 'medium', 'high'])[1 + pg_temp.seed_pick('confidence', p.i, 3)],
                   CASE WHEN p.kind = 'risk' THEN ARRAY['Harm ' || p.i] ELSE '{}' END,
                   (\(Seed.countries)::text[])[1 + p.i % \(Seed.countries.count)]
            FROM seed_posts p JOIN seed_communities s ON s.c = p.c WHERE p.kind IN ('practice', 'risk')
            """,
            """
            INSERT INTO endorsements (post_id, account_id, kind)
            SELECT p.id, w.account_id, CASE WHEN p.i % 2 = 0 THEN 'this_helped' ELSE 'we_did_this_too' END
            FROM seed_posts p
            JOIN LATERAL (SELECT count(*) AS size FROM seed_writers x WHERE x.c = p.c) AS z ON true
            JOIN seed_writers w ON w.c = p.c AND w.k = pg_temp.seed_pick('endorser', p.i, z.size)
            WHERE p.i % 3 = 0 AND w.account_id <> p.author_id
            """,
        ]
    }

    private var postCounts: SQL {
        """
        UPDATE threads t SET post_count = (SELECT count(*) FROM posts p WHERE p.thread_id = t.id)
        WHERE t.id IN (SELECT id FROM seed_threads)
        """
    }
}

public enum SeedError: Error, CustomStringConvertible {
    case alreadySeeded(Int)

    public var description: String {
        switch self {
        case .alreadySeeded(let seed):
            return "this database already holds seed \(seed)'s communities; choose another --seed"
        }
    }
}
