"""Team mode on PostgreSQL: who may see what, enforced by the database itself.

Row-level security on every table that holds account data, with policies
that say what `acct_tui/services/access.py` says. The database role a person
connects as is who they are: the role maps to the active user whose login
equals its name. The role that owns the tables (the operator, who ran
`acct-tui db upgrade`) is not subject to the policies and sees everything.

The one definition of "visible" is `acct_visible_owners` (whose accounts a
person sees) with `acct_sees_all` (an admin sees every account), and
`acct_confidential_authors` (whose confidential records a person may read).
Every policy calls these, once per query (as a sub-select), never per row.

`acct_secure()` grants the group role (one per database,
`acct_group_role()`) its table privileges and puts the standard policy on
any table with an `account_id` that has none yet; `acct-tui db grant` and
every later upgrade call it, so a table added by a later migration is never
left open. Nothing here runs on SQLite (one person's file).

Every statement is safe to run again (CREATE OR REPLACE, DROP ... IF EXISTS).
"""

from peewee import PostgresqlDatabase

FUNCTIONS = r'''
-- PL/pgSQL throughout: its plans are kept for the session, so the policies'
-- look-ups cost a fraction of a millisecond per query, not a re-plan each.

-- The acct-tui user behind a database role, if the session may act as that role.
CREATE OR REPLACE FUNCTION acct_viewer(who name, OUT user_id integer, OUT role text, OUT team_id integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    SELECT u.id, u.role, u.team_id INTO user_id, role, team_id FROM "user" u
    -- A role name compares in the "C" collation; the login's index is in the default one.
    WHERE u.login = (who::text COLLATE "default") AND u.active
      AND (who = session_user OR pg_has_role(session_user, who, 'MEMBER'));
END $$;

-- An admin sees every account (the operator too, but the operator is not subject to policies).
CREATE OR REPLACE FUNCTION acct_sees_all(who name) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    RETURN coalesce((SELECT v.role = 'admin' FROM acct_viewer(who) v), false);
END $$;

-- Whose accounts a person sees: their own; a senior also their reports';
-- a lead also their reports' and their team's (access.account_filter).
CREATE OR REPLACE FUNCTION acct_visible_owners(who name) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM acct_viewer(who);
    IF v.user_id IS NULL THEN
        RETURN;
    ELSIF v.role = 'lead' THEN
        RETURN QUERY SELECT u.id FROM "user" u WHERE u.id = v.user_id OR u.manager_id = v.user_id OR u.team_id = v.team_id;
    ELSIF v.role = 'senior' THEN
        RETURN QUERY SELECT u.id FROM "user" u WHERE u.id = v.user_id OR u.manager_id = v.user_id;
    ELSE
        RETURN NEXT v.user_id;
    END IF;
END $$;

-- The accounts a person sees, for the tables that hang off an account. Who
-- they are is asked once, and their accounts found through the owner index.
CREATE OR REPLACE FUNCTION acct_visible_accounts(who name) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF acct_sees_all(who) THEN
        RETURN QUERY SELECT a.id FROM account a;
    ELSE
        RETURN QUERY SELECT a.id FROM account a WHERE a.owner_id = ANY (ARRAY(SELECT acct_visible_owners(who)));
    END IF;
END $$;

-- Whose confidential records a person may read: their own; a lead, senior or
-- admin also those of the people they manage; a lead those of their team
-- (access.activity_filter).
CREATE OR REPLACE FUNCTION acct_confidential_authors(who name) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM acct_viewer(who);
    IF v.user_id IS NULL THEN
        RETURN;
    ELSIF v.role = 'lead' THEN
        RETURN QUERY SELECT u.id FROM "user" u WHERE u.id = v.user_id OR u.manager_id = v.user_id OR u.team_id = v.team_id;
    ELSIF v.role IN ('senior', 'admin') THEN
        RETURN QUERY SELECT u.id FROM "user" u WHERE u.id = v.user_id OR u.manager_id = v.user_id;
    ELSE
        RETURN NEXT v.user_id;
    END IF;
END $$;

-- The group role holding the table privileges: one per database, so two
-- databases on one server never share it.
CREATE OR REPLACE FUNCTION acct_group_role() RETURNS name
LANGUAGE sql STABLE AS $$
    SELECT left(current_database() || '_acct_users', 63)::name
$$;

-- Only an admin (or the operator) changes who someone is; a lead may only
-- (de)activate the people they lead.
CREATE OR REPLACE FUNCTION acct_guard_user() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT row_security_active(TG_RELID) OR acct_sees_all(current_user) THEN
        RETURN NEW;
    END IF;
    IF to_jsonb(NEW) - 'active' IS DISTINCT FROM to_jsonb(OLD) - 'active' THEN
        RAISE EXCEPTION 'only an admin may change a person''s login, name, role, team or manager'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

-- Secure every table with an account_id that has no policy yet, and (when
-- the group role exists, or `create_group` and this role may create it)
-- grant the group what the application needs. Safe to call again.
CREATE OR REPLACE FUNCTION acct_secure(create_group boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    grp name := acct_group_role();
    t record;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
          AND a.attname = 'account_id' AND NOT a.attisdropped
          AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
        EXECUTE format('CREATE POLICY acct_visible ON %I FOR ALL '
                       'USING ((SELECT acct_sees_all(current_user)) OR account_id IN (SELECT acct_visible_accounts(current_user))) '
                       'WITH CHECK ((SELECT acct_sees_all(current_user)) OR account_id IN (SELECT acct_visible_accounts(current_user)))',
                       t.relname);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = grp) THEN
        IF NOT create_group THEN
            RETURN;
        END IF;
        EXECUTE format('CREATE ROLE %I NOLOGIN', grp);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), grp);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), grp);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), grp);
    -- Reads and writes on the account data, as far as the policies allow.
    FOR t IN
        SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t.relname, grp);
    END LOOP;
    -- The people directory and the audit trail: no deletes, ever.
    EXECUTE format('REVOKE DELETE ON "user", team, audit_log FROM %I', grp);
    EXECUTE format('REVOKE UPDATE ON audit_log FROM %I', grp);
END $$;
'''

POLICIES = r'''
ALTER TABLE account ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_visible ON account;
CREATE POLICY acct_visible ON account FOR ALL
    USING ((SELECT acct_sees_all(current_user)) OR owner_id IN (SELECT acct_visible_owners(current_user)))
    WITH CHECK ((SELECT acct_sees_all(current_user)) OR owner_id IN (SELECT acct_visible_owners(current_user)));

-- A confidential record: its author and the author's lead only (an admin is not the lead).
ALTER TABLE activity ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_visible ON activity;
CREATE POLICY acct_visible ON activity FOR ALL
    USING (((SELECT acct_sees_all(current_user)) OR account_id IN (SELECT acct_visible_accounts(current_user)))
           AND (NOT confidential OR author_id IN (SELECT acct_confidential_authors(current_user))))
    WITH CHECK (((SELECT acct_sees_all(current_user)) OR account_id IN (SELECT acct_visible_accounts(current_user)))
           AND (NOT confidential OR author_id IN (SELECT acct_confidential_authors(current_user))));

-- The audit trail: what I did, and what happened to records I may see.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_visible ON audit_log;
-- Each entry about a record is looked up by its id (an index probe, through that
-- table's own policy): a person reading a few entries never pays for a whole table.
CREATE POLICY acct_visible ON audit_log FOR SELECT USING (
    actor = current_user::text
    OR CASE table_name
        WHEN 'account' THEN EXISTS (SELECT 1 FROM account t WHERE t.id = audit_log.row_id)
        WHEN 'activity' THEN EXISTS (SELECT 1 FROM activity t WHERE t.id = audit_log.row_id)
        WHEN 'action_item' THEN EXISTS (SELECT 1 FROM action_item t WHERE t.id = audit_log.row_id)
        WHEN 'alert' THEN EXISTS (SELECT 1 FROM alert t WHERE t.id = audit_log.row_id)
        WHEN 'case' THEN EXISTS (SELECT 1 FROM "case" t WHERE t.id = audit_log.row_id)
        WHEN 'contact' THEN EXISTS (SELECT 1 FROM contact t WHERE t.id = audit_log.row_id)
        WHEN 'health_snapshot' THEN EXISTS (SELECT 1 FROM health_snapshot t WHERE t.id = audit_log.row_id)
        WHEN 'metric_sample' THEN EXISTS (SELECT 1 FROM metric_sample t WHERE t.id = audit_log.row_id)
        WHEN 'milestone' THEN EXISTS (SELECT 1 FROM milestone t WHERE t.id = audit_log.row_id)
        WHEN 'planned_visit' THEN EXISTS (SELECT 1 FROM planned_visit t WHERE t.id = audit_log.row_id)
        WHEN 'receivable' THEN EXISTS (SELECT 1 FROM receivable t WHERE t.id = audit_log.row_id)
        ELSE (SELECT acct_sees_all(current_user))
    END);
DROP POLICY IF EXISTS acct_write ON audit_log;
CREATE POLICY acct_write ON audit_log FOR INSERT WITH CHECK (actor = current_user::text);

-- The people directory: everyone reads it; admins change it; a lead (de)activates their people.
ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_read ON "user";
CREATE POLICY acct_read ON "user" FOR SELECT USING (true);
DROP POLICY IF EXISTS acct_insert ON "user";
CREATE POLICY acct_insert ON "user" FOR INSERT WITH CHECK ((SELECT acct_sees_all(current_user)));
DROP POLICY IF EXISTS acct_update ON "user";
CREATE POLICY acct_update ON "user" FOR UPDATE
    USING ((SELECT acct_sees_all(current_user)) OR id IN (SELECT acct_visible_owners(current_user)))
    WITH CHECK ((SELECT acct_sees_all(current_user)) OR id IN (SELECT acct_visible_owners(current_user)));
DROP TRIGGER IF EXISTS acct_guard_user ON "user";
CREATE TRIGGER acct_guard_user BEFORE UPDATE ON "user" FOR EACH ROW EXECUTE FUNCTION acct_guard_user();

ALTER TABLE team ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_read ON team;
CREATE POLICY acct_read ON team FOR SELECT USING (true);
DROP POLICY IF EXISTS acct_admin ON team;
CREATE POLICY acct_admin ON team FOR INSERT WITH CHECK ((SELECT acct_sees_all(current_user)));
DROP POLICY IF EXISTS acct_admin_update ON team;
CREATE POLICY acct_admin_update ON team FOR UPDATE
    USING ((SELECT acct_sees_all(current_user))) WITH CHECK ((SELECT acct_sees_all(current_user)));

-- The other account tables (contact, action_item, milestone, planned_visit,
-- case, metric_sample, receivable, alert, health_snapshot) get the standard
-- policy; the group its grants when it exists.
SELECT acct_secure();
'''


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return  # SQLite: one person's file, not a security boundary
    # Plain text, no parameters: PL/pgSQL's %I must reach the server as written.
    with db.connection().cursor() as cursor:
        cursor.execute(FUNCTIONS)
        cursor.execute(POLICIES)
