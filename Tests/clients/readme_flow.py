#!/usr/bin/env python3
"""The README's flow, run against a live server through a client generated from openapi.yaml.

scripts/test.sh generates the client with openapi-python-client (package `praxis_api_client`),
installs it into its venv and runs:

    readme_flow.py --url http://127.0.0.1:PORT --admin-token prx_... --spec openapi.yaml \
        --outbox "praxis admin outbox"

An activation token reaches only its person: the flow reads its link as the person would, from
the folder of the local SMTP server the server mails to (`--mail-dir`, scripts/mail-sink.py), or
as an operator would while it waits, from `praxis admin outbox --to EMAIL` (the `--outbox`
command, with the server's DATABASE_URL).

As a platform admin it registers an organisation, three accounts (one invited, who activates
it) and a partner token; the people sign in; the admin lets one create communities; she
creates one, publishes norms, invites, takes an application, forms a circle and schedules a
meeting in it; the others answer. Every list operation of the spec (every GET answering a
page) is called at least once, and every answer is read into the generated models: a status
other than the one expected, an item of another model or with other ids than expected, or a
member the spec does not list ends the run with status 1.

Only the generated client talks to the server, except for the CSV import, whose `text/csv`
body openapi-python-client cannot send (it skips that operation); that request goes through
the generated client's own httpx client, and its answer is read with the generated model.
"""

import argparse
import datetime
import json
import re
import shlex
import subprocess
import sys
import time
import traceback
import uuid
from typing import Any

import attrs
import jsonschema_rs  # schemathesis's validator, in the same venv
import yaml

from praxis_api_client import AuthenticatedClient, Client
from praxis_api_client.api.access import (
    list_my_notifications,
    activate_account,
    create_account,
    create_organisation,
    create_session,
    create_token,
    get_current_token,
    get_me,
    list_accounts,
    list_audit_events,
    list_community_audit_events,
    list_my_sessions,
    list_organisations,
    list_tokens,
    update_account,
    verify_audit_log,
)
from praxis_api_client.api.api import get_index
from praxis_api_client.api.membership import (
    accept_invitation,
    accept_norms,
    add_circle_member,
    answer_meeting,
    apply_to_community,
    approve_application,
    create_circle,
    create_community,
    create_declaration,
    create_invitation,
    decline_amendment,
    form_breakouts,
    get_community,
    get_participation,
    list_amendments,
    list_breakouts,
    list_circle_history,
    list_circle_members,
    list_circles,
    list_communities,
    list_community_applications,
    list_community_invitations,
    list_meeting_answers,
    list_meeting_attendance,
    list_meetings,
    list_members,
    list_my_declarations,
    list_my_invitations,
    list_my_memberships,
    list_norms_acceptances,
    list_norms_versions,
    mark_attendance,
    propose_amendment,
    publish_norms,
    schedule_meeting,
    withdraw_declaration,
)
from praxis_api_client.api.needs import (
    answer_survey,
    cosign_need,
    create_need,
    create_survey,
    get_survey_results,
    list_survey_answers,
    list_surveys,
    update_survey,
    create_agenda_item,
    create_theme,
    get_my_peers,
    list_agenda_item_history,
    list_agenda_items,
    get_needs_analysis,
    list_cosigns,
    list_needs,
    list_themes,
    merge_theme,
)
from praxis_api_client.api.email import create_email_suppression, list_email_suppressions
from praxis_api_client.api.operations import get_health
from praxis_api_client.api.threads import (
    create_post,
    create_thread,
    endorse_post,
    flag_post,
    get_post,
    list_endorsements,
    list_flags,
    list_post_revisions,
    list_posts,
    list_practices,
    list_reveals,
    list_subscriptions,
    list_threads,
    mark_outcome,
    request_reveal,
    search,
    update_post,
)
from praxis_api_client.models import (
    EmailSuppression,
    EmailSuppressionPage,
    EmailSuppressionSource,
    NewEmailSuppression,
    Endorsement,
    EndorsementKind,
    EndorsementPage,
    Flag,
    FlagPage,
    FlagStatus,
    NewEndorsement,
    NewPost,
    NewPracticeRecord,
    NewPracticeRecordConfidence,
    NewThread,
    OutcomeRequest,
    Post,
    PostKind,
    PostPage,
    PostPatch,
    PostRevision,
    PostRevisionPage,
    PracticeEntry,
    PracticeEntryPage,
    PracticeOutcome,
    Reason,
    Reveal,
    RevealPage,
    SearchResult,
    SearchResultPage,
    SearchResultType,
    Subscription,
    SubscriptionPage,
    Thread,
    ThreadPage,
    ThreadStatus,
    Account,
    AccountPage,
    AccountPatch,
    AccountStatus,
    AdmissionRole,
    Amendment,
    AmendmentDecline,
    AmendmentPage,
    AmendmentStatus,
    ApiIndex,
    Application,
    ApplicationPage,
    ApplicationStatus,
    Approval,
    Attendance,
    AttendancePage,
    AuditEvent,
    AuditEventPage,
    AuditVerification,
    BreakoutGroup,
    BreakoutGroupList,
    BreakoutPlan,
    Circle,
    CircleEvent,
    CircleEventChange,
    CircleEventPage,
    CircleMember,
    CircleMemberAddition,
    CircleMemberPage,
    CirclePage,
    Community,
    CommunityJoinPolicy,
    CommunityPage,
    CommunityVisibility,
    Declaration,
    DeclarationPage,
    Health,
    ImportResults,
    ImportRowResultOutcome,
    Invitation,
    InvitationPage,
    InvitationStatus,
    ListCommunitiesMember,
    ListNeedsSort,
    ListMyDeclarationsIncludeWithdrawn,
    Login,
    Meeting,
    MeetingPage,
    AgendaEvent,
    AgendaEventPage,
    AgendaItem,
    AgendaItemPage,
    AgendaStatus,
    NewAgendaItem,
    NewQuestion,
    NewSurvey,
    Need,
    NeedPage,
    QuestionKind,
    QuotedAnswer,
    QuotedAnswerPage,
    Survey,
    SurveyAnswer,
    SurveyAnswers,
    SurveyPage,
    SurveyPatch,
    SurveyResponse,
    SurveyResults,
    Notification,
    NotificationPage,
    PeerList,
    NeedsAnalysis,
    Cosign,
    CosignPage,
    Member,
    MemberKind,
    MemberPage,
    MembershipRole,
    NewAccount,
    NewAmendment,
    NewApplication,
    NewApplicationAnswers,
    NewCircle,
    NewCommunity,
    NewCommunityJoinPolicy,
    NewCommunityVisibility,
    NewDeclaration,
    NewInvitation,
    NewMeeting,
    NewNeed,
    NewTheme,
    NewOrganisation,
    NewToken,
    NormsAcceptance,
    NormsAcceptancePage,
    NormsText,
    NormsVersion,
    NormsVersionPage,
    Organisation,
    OrganisationKind,
    OrganisationPage,
    Participation,
    ParticipationCountryCell,
    ParticipationOrganisationKindCell,
    ParticipationRegionCell,
    ParticipationSectorCell,
    RecordingRule,
    Redeem,
    Region,
    RSVP,
    RSVPAnswer,
    RSVPPage,
    RSVPResponse,
    Scope,
    Sector,
    Session,
    SessionInfo,
    SessionInfoPage,
    Theme,
    ThemeMerge,
    ThemePage,
    ThemeStatus,
    Token,
    TokenCreated,
    TokenPage,
)


class Failure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


# Members the spec leaves open (free-form maps); every other model must hold no member the
# spec does not list.
OPEN_MODELS = {"AuditEventDetails", "ApplicationAnswers", "NewApplicationAnswers"}


def unknown_members(value: Any, where: str) -> list[str]:
    """Members of the answer that the spec does not list (they land in additional_properties)."""
    found = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += unknown_members(item, f"{where}[{i}]")
    elif attrs.has(type(value)):
        name = type(value).__name__
        extra = getattr(value, "additional_properties", None)
        if extra and name not in OPEN_MODELS:
            found.append(f"{where} ({name}): {sorted(extra)}")
        for field in attrs.fields(type(value)):
            if field.name != "additional_properties":
                found += unknown_members(getattr(value, field.name), f"{where}.{field.name}")
    return found


class Flow:
    def __init__(self, url: str, admin_token: str, outbox: list[str], mail_dir: str | None):
        self.url = url
        self.outbox = outbox
        self.mail_dir = mail_dir
        self.called: set[str] = set()
        self.requests: list[tuple[str, str, str]] = []
        self.responses: list[tuple[str, str, int, str, bytes]] = []
        self.hooks = {"request": [self.record_request], "response": [self.record_response]}
        self.admin = self.authenticated(admin_token)
        self.anonymous = Client(base_url=url, raise_on_unexpected_status=True, httpx_args={"event_hooks": self.hooks})
        self.run_id = uuid.uuid4().hex[:8]

    def record_request(self, request) -> None:
        self.requests.append((request.method, request.url.path, request.headers.get("content-type", "")))

    def record_response(self, response) -> None:
        response.read()
        self.responses.append((response.request.method, response.request.url.path, response.status_code,
                               response.headers.get("content-type", ""), response.content))

    def authenticated(self, token: str) -> AuthenticatedClient:
        return AuthenticatedClient(base_url=self.url, token=token, raise_on_unexpected_status=True,
                                   httpx_args={"event_hooks": self.hooks})

    def call(self, endpoint, expected: int, model, /, **kwargs):
        """Calls a generated operation; the answer must have status `expected` and parse as `model`."""
        name = endpoint.__name__.rsplit(".", 1)[-1]
        self.called.add(name)
        response = endpoint.sync_detailed(**kwargs)
        check(response.status_code == expected,
              f"{name}: expected {expected}, got {int(response.status_code)}: {response.content[:400]!r}")
        parsed = response.parsed
        if model is None:
            return response
        check(isinstance(parsed, model), f"{name}: expected {model.__name__}, got {type(parsed).__name__}")
        unknown = unknown_members(parsed, name)
        check(not unknown, f"{name}: members the spec does not list: {unknown}")
        return parsed

    def sent_token(self, email: str) -> str:
        """The one-time token of the activation or reset link in the latest message to `email`:
        mailed (in the SMTP server's folder), or still waiting in the outbox."""
        link = r"/(?:activate|reset-password)\?token=(pra_[0-9A-Za-z]{43})"
        for _ in range(100):
            printed = subprocess.run([*self.outbox, "--to", email], check=True, capture_output=True, text=True).stdout
            if self.mail_dir:
                printed += subprocess.run([sys.executable, "scripts/mail-sink.py", "read", "--dir", self.mail_dir,
                                           "--to", email], capture_output=True, text=True).stdout
            tokens = re.findall(link, printed)
            if tokens:
                return tokens[-1]
            time.sleep(0.2)
        raise Failure(f"no message to {email} with a link")

    def page(self, endpoint, page_model, item_model, /, key=lambda item: item.id, pages=50, **kwargs):
        """Every item of a list operation, following `next_cursor`; returns their keys in order."""
        keys = []
        cursor = None
        for _ in range(pages):
            if cursor is not None:
                kwargs["cursor"] = cursor
            page = self.call(endpoint, 200, page_model, **kwargs)
            name = endpoint.__name__.rsplit(".", 1)[-1]
            for item in page.data:
                check(isinstance(item, item_model),
                      f"{name}: an item is {type(item).__name__}, not {item_model.__name__}")
                keys.append(key(item))
            cursor = page.next_cursor
            if cursor is None:
                return keys
            check(isinstance(cursor, str), f"{name}: next_cursor is {cursor!r}")
        raise Failure(f"{endpoint.__name__}: more than {pages} pages")

    def login(self, email: str, password: str) -> AuthenticatedClient:
        session = self.call(create_session, 201, Session, client=self.anonymous,
                            body=Login(email=email, password=password))
        check(session.token.startswith("prs_"), "createSession: the token is not a session token")
        return self.authenticated(session.token)

    def run(self) -> None:
        rid = self.run_id
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

        health = self.call(get_health, 200, Health, client=self.anonymous)
        check(health.status.value == "ok", "getHealth: not ok")
        index = self.call(get_index, 200, ApiIndex, client=self.admin)
        check("communities" in {c.name for c in index.collections}, "getIndex: no communities")

        # The admin: an organisation, accounts (one with a password), a partner token.
        org = self.call(create_organisation, 201, Organisation, client=self.admin, body=NewOrganisation(
            name=f"Ministry of Education {rid}", kind=OrganisationKind.GOVERNMENT, country="KE",
            sector=Sector.EDUCATION))
        check(org.sector == Sector.EDUCATION, "createOrganisation: sector")

        password = "a long passphrase"
        amina = self.call(create_account, 201, Account, client=self.admin, body=NewAccount(
            email=f"amina.{rid}@example.org", display_name="Amina O.", password=password,
            member_kind=MemberKind.OFFICIAL, country="KE", organisation_id=org.id))
        check(amina.status == AccountStatus.ACTIVE, "createAccount: with a password, not active")
        check(isinstance(amina.organisation, Organisation) and amina.organisation.id == org.id,
              "createAccount: the organisation is not embedded")
        wanjiru = self.call(create_account, 201, Account, client=self.admin, body=NewAccount(
            email=f"wanjiru.{rid}@example.org", display_name="Wanjiru K.", password=password,
            member_kind=MemberKind.OFFICIAL, country="KE", organisation_id=org.id))
        kofi = self.call(create_account, 201, Account, client=self.admin, body=NewAccount(
            email=f"kofi.{rid}@example.org", display_name="Kofi A.", member_kind=MemberKind.SCHOLAR,
            country="GH"))
        check(kofi.status == AccountStatus.INVITED, "createAccount: without a password, not invited")
        check("pra_" not in self.responses[-1][4].decode(), "createAccount: a secret in the admin's answer")
        self.call(activate_account, 204, None, client=self.anonymous,
                  body=Redeem(token=self.sent_token(kofi.email), password="his own passphrase"))

        # An address that asked not to be mailed: the admin suppresses it and sees why.
        suppressed = self.call(create_email_suppression, 201, EmailSuppression, client=self.admin,
                               body=NewEmailSuppression(email=f"no.mail.{rid}@example.org", reason="asked us to stop"))
        check(suppressed.source == EmailSuppressionSource.ADMIN, "createEmailSuppression: source")
        listed = self.page(list_email_suppressions, EmailSuppressionPage, EmailSuppression, client=self.admin,
                           email=suppressed.email)
        check(listed == [suppressed.id], "listEmailSuppressions: the suppression")

        partner = self.call(create_token, 201, TokenCreated, client=self.admin, body=NewToken(
            name=f"Research hub sync {rid}", scopes=[Scope("members:read")]))
        check(partner.token.startswith("prx_"), "createToken: not an API token")
        partner_client = self.authenticated(partner.token)
        current = self.call(get_current_token, 200, Token, client=partner_client)
        check(current.id == partner.id and current.scopes == [Scope("members:read")], "getCurrentToken")
        orgs = self.page(list_organisations, OrganisationPage, Organisation, client=partner_client,
                         kind=OrganisationKind.GOVERNMENT, country="KE", limit=100)
        check(org.id in orgs, "listOrganisations: the organisation is missing")

        # The people sign in.
        amina_client = self.login(amina.email, password)
        me = self.call(get_me, 200, Account, client=amina_client)
        check(me.id == amina.id and me.email == amina.email, "getMe: another account")
        check(me.can_create_communities is False, "getMe: may create communities already")
        wanjiru_client = self.login(wanjiru.email, password)
        kofi_client = self.login(kofi.email, "his own passphrase")
        sessions = self.page(list_my_sessions, SessionInfoPage, SessionInfo, key=lambda s: (s.id, s.current),
                             client=amina_client)
        check(sum(1 for _, current in sessions if current) == 1, "listMySessions: not one current session")

        # The admin lets Amina create communities: a merge patch, If-Match `*`.
        changed = self.call(update_account, 200, Account, client=self.admin, id=amina.id,
                            body=AccountPatch(can_create_communities=True), if_match="*")
        check(changed.can_create_communities is True, "updateAccount: not changed")
        patches = [r for r in self.requests if r[0] == "PATCH" and r[1] == f"/v1/accounts/{amina.id}"]
        check(patches and patches[-1][2] == "application/merge-patch+json",
              f"updateAccount: sent as {patches[-1][2] if patches else None}, not a merge patch")

        # Amina creates a community and publishes its norms.
        cop = self.call(create_community, 201, Community, client=amina_client, body=NewCommunity(
            slug=f"edtech-reform-{rid}", name="EdTech Reform CoP", visibility=NewCommunityVisibility.UNLISTED,
            join_policy=NewCommunityJoinPolicy.APPLY,
            allowed_member_kinds=[MemberKind.OFFICIAL, MemberKind.SCHOLAR, MemberKind.PRACTITIONER,
                                  MemberKind.VENDOR],
            observers_allowed=True, chatham_house=True, min_cell_size=3))
        check(cop.viewer_role == MembershipRole.CONVENOR, "createCommunity: the creator is not convenor")
        check(cop.join_policy == CommunityJoinPolicy.APPLY and cop.visibility == CommunityVisibility.UNLISTED,
              "createCommunity: settings")
        mine = self.page(list_communities, CommunityPage, Community, client=amina_client,
                         member=ListCommunitiesMember.TRUE)
        check(mine == [cop.id], f"listCommunities: {mine}")
        norms = self.call(publish_norms, 201, NormsVersion, client=amina_client, id=cop.id,
                          body=NormsText(text="1. What is said here is not attributed outside."))
        check(norms.version == 1 and norms.current, "publishNorms: not the current version 1")
        versions = self.page(list_norms_versions, NormsVersionPage, NormsVersion, key=lambda v: v.version,
                             client=amina_client, id=cop.id)
        check(versions == [1], f"listNormsVersions: {versions}")

        # Invitations: Wanjiru by account, a new person by email.
        invitation = self.call(create_invitation, 201, Invitation, client=amina_client, id=cop.id,
                               body=NewInvitation(account_id=wanjiru.id, role=MembershipRole.MEMBER))
        check(invitation.account.id == wanjiru.id, "createInvitation: another invitee")
        by_email = self.call(create_invitation, 201, Invitation, client=amina_client, id=cop.id,
                             body=NewInvitation(email=f"new.person.{rid}@example.org",
                                                member_kind=MemberKind.SCHOLAR))
        check(by_email.account is None and by_email.email == f"new.person.{rid}@example.org",
              "createInvitation: an invitation by email names an account")
        check("pra_" not in self.responses[-1][4].decode(), "createInvitation: a secret in the convenor's answer")
        self.sent_token(f"new.person.{rid}@example.org")
        pending = self.page(list_my_invitations, InvitationPage, Invitation, client=wanjiru_client,
                            status=InvitationStatus.PENDING)
        check(pending == [invitation.id], f"listMyInvitations: {pending}")
        member = self.call(accept_invitation, 200, Member, client=wanjiru_client, id=invitation.id)
        check(member.account.id == wanjiru.id and member.role == MembershipRole.MEMBER, "acceptInvitation")
        invitations = self.page(list_community_invitations, InvitationPage, Invitation, client=amina_client,
                                id=cop.id)
        check(set(invitations) == {invitation.id, by_email.id}, f"listCommunityInvitations: {invitations}")

        # Kofi applies; Amina approves.
        application = self.call(apply_to_community, 201, Application, client=kofi_client, id=cop.id,
                                body=NewApplication(answers=NewApplicationAnswers.from_dict(
                                    {"motivation": "Running a tablet pilot"})))
        check(application.status == ApplicationStatus.APPLIED, "applyToCommunity: not applied")
        check(application.answers.additional_properties == {"motivation": "Running a tablet pilot"},
              "applyToCommunity: the answers")
        applied = self.page(list_community_applications, ApplicationPage, Application, client=amina_client,
                            id=cop.id, status=ApplicationStatus.APPLIED)
        check(applied == [application.id], f"listCommunityApplications: {applied}")
        approved = self.call(approve_application, 200, Application, client=amina_client, id=application.id,
                             body=Approval(role=AdmissionRole.MEMBER))
        check(approved.status == ApplicationStatus.APPROVED and approved.role == AdmissionRole.MEMBER,
              "approveApplication")
        memberships = self.page(list_my_memberships, MemberPage, Member, key=lambda m: m.community.id,
                                client=kofi_client)
        check(memberships == [cop.id], f"listMyMemberships: {memberships}")

        # The norms: Wanjiru accepts them; Kofi proposes an amendment, which Amina declines.
        self.call(accept_norms, 201, NormsAcceptance, client=wanjiru_client, id=cop.id, version=1)
        accepted = self.page(list_norms_acceptances, NormsAcceptancePage, NormsAcceptance,
                             key=lambda a: a.account.id, client=amina_client, id=cop.id, version=1)
        check(set(accepted) == {amina.id, wanjiru.id}, f"listNormsAcceptances: {accepted}")
        amendment = self.call(propose_amendment, 201, Amendment, client=kofi_client, id=cop.id,
                              body=NewAmendment(text="1. Not attributed outside. 2. Chairs rotate.",
                                                rationale="fairness"))
        open_amendments = self.page(list_amendments, AmendmentPage, Amendment, client=amina_client, id=cop.id,
                                    status=AmendmentStatus.OPEN)
        check(open_amendments == [amendment.id], f"listAmendments: {open_amendments}")
        declined = self.call(decline_amendment, 200, Amendment, client=amina_client, id=amendment.id,
                             body=AmendmentDecline(reason="Not this year"))
        check(declined.status == AmendmentStatus.DECLINED, "declineAmendment")

        # A circle of officials, and a meeting in it.
        circle = self.call(create_circle, 201, Circle, client=amina_client, id=cop.id, body=NewCircle(
            name="Procurement officials", government_only=True, excludes_vendors=True))
        added = self.call(add_circle_member, 201, CircleMember, client=amina_client, id=circle.id,
                          body=CircleMemberAddition(account_id=wanjiru.id))
        check(added.account.id == wanjiru.id and added.member_kind == MemberKind.OFFICIAL, "addCircleMember")
        circles = self.page(list_circles, CirclePage, Circle, client=amina_client, id=cop.id)
        check(circles == [circle.id], f"listCircles: {circles}")
        in_circle = self.page(list_circle_members, CircleMemberPage, CircleMember, key=lambda m: m.account.id,
                              client=amina_client, id=circle.id)
        check(set(in_circle) == {amina.id, wanjiru.id}, f"listCircleMembers: {in_circle}")
        history = self.page(list_circle_history, CircleEventPage, CircleEvent,
                            key=lambda e: (e.account.id, e.change), client=amina_client, id=circle.id)
        check(set(history) == {(amina.id, CircleEventChange.ADDED), (wanjiru.id, CircleEventChange.ADDED)},
              f"listCircleHistory: {history}")

        starts = now + datetime.timedelta(days=30)
        meeting = self.call(schedule_meeting, 201, Meeting, client=amina_client, id=cop.id, body=NewMeeting(
            title="Procurement clinic", starts_at=starts, ends_at=starts + datetime.timedelta(minutes=90),
            time_zone="Africa/Nairobi", circle_id=circle.id, recording=RecordingRule("off"),
            observers_allowed=False))
        check(meeting.circle_id == circle.id and meeting.rules.recording == RecordingRule("off"), "scheduleMeeting")
        check(meeting.starts_at == starts, f"scheduleMeeting: starts_at {meeting.starts_at}")
        meetings = self.page(list_meetings, MeetingPage, Meeting, client=wanjiru_client, id=cop.id)
        check(meetings == [meeting.id], f"listMeetings: {meetings}")
        answered = self.call(answer_meeting, 200, Meeting, client=wanjiru_client, id=meeting.id,
                             body=RSVPAnswer(response=RSVPResponse("yes")))
        check(answered.rsvp_counts.yes == 1, "answerMeeting: not counted")
        answers = self.page(list_meeting_answers, RSVPPage, RSVP, key=lambda a: (a.account.id, a.response),
                            client=amina_client, id=meeting.id)
        check(answers == [(wanjiru.id, RSVPResponse("yes"))], f"listMeetingAnswers: {answers}")
        self.call(mark_attendance, 204, None, client=amina_client, id=meeting.id, account_id=wanjiru.id)
        attended = self.page(list_meeting_attendance, AttendancePage, Attendance, key=lambda a: a.account.id,
                             client=amina_client, id=meeting.id)
        check(attended == [wanjiru.id], f"listMeetingAttendance: {attended}")
        groups = self.call(form_breakouts, 201, BreakoutGroupList, client=amina_client, id=meeting.id,
                           body=BreakoutPlan(group_count=1))
        check(len(groups.data) == 1 and groups.next_cursor is None, "formBreakouts: not one group")
        check([m.account.id for m in groups.data[0].members] == [wanjiru.id], "formBreakouts: the members")
        listed = self.page(list_breakouts, BreakoutGroupList, BreakoutGroup, client=wanjiru_client, id=meeting.id)
        check(listed == [groups.data[0].id], f"listBreakouts: {listed}")

        # The directory, and participation.
        directory = self.page(list_members, MemberPage, Member, key=lambda m: m.account.id,
                              client=amina_client, id=cop.id)
        check(set(directory) == {amina.id, wanjiru.id, kofi.id}, f"listMembers: {directory}")
        in_kenya = self.page(list_members, MemberPage, Member, key=lambda m: m.account.id,
                             client=wanjiru_client, id=cop.id, country=["KE"])
        check(set(in_kenya) == {amina.id, wanjiru.id}, f"listMembers country=KE: {in_kenya}")
        figures = self.call(get_participation, 200, Participation, client=amina_client, id=cop.id)
        # Three members of two organisation kinds (and two regions): publishing the total would tell
        # that each kind holds one or two people, under the minimum of 3, so it is suppressed too.
        check(figures.active_members is None, f"getParticipation: active_members {figures.active_members}")
        check(figures.suppression_method.value == "secondary_suppression", "getParticipation: the method")
        for cells, model, value in [(figures.by_sector, ParticipationSectorCell, Sector),
                                    (figures.by_country, ParticipationCountryCell, str),
                                    (figures.by_region, ParticipationRegionCell, Region),
                                    (figures.by_organisation_kind, ParticipationOrganisationKindCell,
                                     OrganisationKind)]:
            for cell in cells:
                check(isinstance(cell, model), f"getParticipation: a cell is {type(cell).__name__}")
                check(cell.value is None or isinstance(cell.value, value), f"getParticipation: {cell.value!r}")
                check((cell.count is None) == cell.suppressed, f"getParticipation: {cell}")
        check(sum(c.count or 0 for c in figures.by_country) <= 3, "getParticipation: counts")

        # A declaration of interest, withdrawn.
        declaration = self.call(create_declaration, 201, Declaration, client=kofi_client, body=NewDeclaration(
            description="Advises a tablet maker", community_id=cop.id))
        declarations = self.page(list_my_declarations, DeclarationPage, Declaration, client=kofi_client)
        check(declarations == [declaration.id], f"listMyDeclarations: {declarations}")
        withdrawn = self.call(withdraw_declaration, 200, Declaration, client=kofi_client, id=declaration.id)
        check(isinstance(withdrawn.withdrawn_at, datetime.datetime), "withdrawDeclaration: withdrawn_at")
        kept = self.page(list_my_declarations, DeclarationPage, Declaration, client=kofi_client,
                         include_withdrawn=ListMyDeclarationsIncludeWithdrawn.TRUE)
        check(kept == [declaration.id], f"listMyDeclarations include_withdrawn: {kept}")

        # Needs: two themes merged into one, a need in it, co-signed; the lists.
        theme = self.call(create_theme, 201, Theme, client=amina_client, id=cop.id, body=NewTheme(name="Procurement"))
        other = self.call(create_theme, 201, Theme, client=amina_client, id=cop.id,
                          body=NewTheme(name="Device procurement", description="Tablets and laptops"))
        need = self.call(create_need, 201, Need, client=wanjiru_client, id=cop.id, body=NewNeed(
            title="Comparing device procurement models", urgency=5, theme_ids=[other.id]))
        check(need.source.value == "self" and need.convenor_notes is None, f"createNeed: {need.source}")
        merged = self.call(merge_theme, 200, Theme, client=amina_client, id=other.id, body=ThemeMerge(into=theme.id))
        check(merged.status == ThemeStatus.MERGED and merged.merged_into == theme.id, "mergeTheme: no pointer")
        themes = self.page(list_themes, ThemePage, Theme, client=wanjiru_client, id=cop.id,
                           status=[ThemeStatus.ACTIVE])
        check(themes == [theme.id], f"listThemes status=active: {themes}")
        cosign = self.call(cosign_need, 201, Cosign, client=amina_client, id=need.id)
        check(cosign.account.id == amina.id, "cosignNeed: another account")
        needs = self.page(list_needs, NeedPage, Need, client=amina_client, id=cop.id, theme=[theme.id],
                          sort=ListNeedsSort.URGENT)
        check(needs == [need.id], f"listNeeds theme: {needs}")
        cosigners = self.page(list_cosigns, CosignPage, Cosign, key=lambda c: c.account.id, client=wanjiru_client,
                              id=need.id)
        check(cosigners == [amina.id], f"listCosigns: {cosigners}")
        analysis = self.call(get_needs_analysis, 200, NeedsAnalysis, client=amina_client, id=cop.id)
        figures = [t for t in analysis.themes if t.theme.id == theme.id]
        check(len(figures) == 1 and figures[0].needs == 1, f"getNeedsAnalysis: {figures}")
        # Two members behind the need (its author and a co-signer), under the minimum of 3.
        check(figures[0].members is None and figures[0].suppressed, "getNeedsAnalysis: a small count is shown")
        check([g.need.id for g in analysis.gaps] == [need.id], "getNeedsAnalysis: gaps")
        # The need on the agenda, scheduled: its author is told.
        item = self.call(create_agenda_item, 201, AgendaItem, client=amina_client, id=cop.id, body=NewAgendaItem(
            title="Procurement models", need_ids=[need.id], status=AgendaStatus.SCHEDULED))
        check([n.id for n in item.needs] == [need.id], "createAgendaItem: needs")
        items = self.page(list_agenda_items, AgendaItemPage, AgendaItem, client=wanjiru_client, id=cop.id)
        check(items == [item.id], f"listAgendaItems: {items}")
        changes = self.page(list_agenda_item_history, AgendaEventPage, AgendaEvent, key=lambda e: e.change.value,
                            client=wanjiru_client, id=item.id)
        check(changes == ["created"], f"listAgendaItemHistory: {changes}")
        told = self.page(list_my_notifications, NotificationPage, Notification, key=lambda n: n.subject_id,
                         client=wanjiru_client)
        # Newest first: the item scheduled, then her joining the circle.
        check(told == [item.id, circle.id], f"listMyNotifications: {told}")
        # An intake survey: Wanjiru answers and lets convenors quote her; Amina reads the results.
        now = datetime.datetime.now(datetime.timezone.utc)
        survey = self.call(create_survey, 201, Survey, client=amina_client, id=cop.id, body=NewSurvey(
            title="Intake", opens_at=now - datetime.timedelta(minutes=1), closes_at=now + datetime.timedelta(days=7),
            questions=[NewQuestion(kind=QuestionKind.TEXT, prompt="Your hardest challenge?", required=True),
                       NewQuestion(kind=QuestionKind.SCALE, prompt="Urgency")]))
        surveys = self.page(list_surveys, SurveyPage, Survey, client=wanjiru_client, id=cop.id)
        check(surveys == [survey.id], f"listSurveys: {surveys}")
        text, scale = survey.questions[0].id, survey.questions[1].id
        answered = self.call(answer_survey, 201, SurveyResponse, client=wanjiru_client, id=survey.id, body=SurveyAnswers(
            answers=[SurveyAnswer(question_id=text, value="Leasing or buying"), SurveyAnswer(question_id=scale, value=4)],
            quote_consent=True))
        check(len(answered.answers) == 2 and answered.quote_consent, "answerSurvey: the answers")
        # Results come once the survey has closed: Amina closes it now.
        self.call(update_survey, 200, Survey, client=amina_client, id=survey.id,
                  body=SurveyPatch(closes_at=datetime.datetime.now(datetime.timezone.utc)), if_match="*")
        results = self.call(get_survey_results, 200, SurveyResults, client=amina_client, id=survey.id)
        check(results.results[1].answered is None and results.results[1].suppressed, "getSurveyResults: one answer shown")
        quoted = self.page(list_survey_answers, QuotedAnswerPage, QuotedAnswer, key=lambda a: a.text,
                           client=amina_client, id=survey.id)
        check(quoted == ["Leasing or buying"], f"listSurveyAnswers: {quoted}")

        # A problem thread under the Chatham House rule: a practice, a risk in reply, endorsed and
        # edited, the outcome; the practice list and search find them, naming nobody; a flag, a
        # reveal asked; what Wanjiru follows.
        thread = self.call(create_thread, 201, Thread, client=wanjiru_client, id=cop.id, body=NewThread(
            title="Device procurement: lease or buy?", problem="We equip 4,000 schools.", theme_ids=[theme.id],
            need_ids=[need.id], chatham_house=True))
        check(thread.created_by_me and thread.status == ThreadStatus.OPEN, f"createThread: {thread.status}")
        practice = self.call(create_post, 201, Post, client=amina_client, id=thread.id, body=NewPost(
            kind=PostKind.PRACTICE, body="We leased tablets with a maintenance SLA.",
            practice=NewPracticeRecord(intervention="Leasing tablets with a maintenance SLA",
                                       outcome=PracticeOutcome.POSITIVE, confidence=NewPracticeRecordConfidence.MEDIUM)))
        risk = self.call(create_post, 201, Post, client=wanjiru_client, id=thread.id, body=NewPost(
            kind=PostKind.RISK, body="Our bulk tablet purchase skipped the security review.", reply_to_id=practice.id,
            practice=NewPracticeRecord(intervention="Bulk tablet purchase", outcome=PracticeOutcome.NEGATIVE,
                                       confidence=NewPracticeRecordConfidence.HIGH,
                                       missed_risks=["Devices shipped with default admin passwords"])))
        posts = self.page(list_posts, PostPage, Post, key=lambda p: (p.id, p.author_label), client=kofi_client,
                          id=thread.id)
        check(posts == [(practice.id, "a participant"), (risk.id, "a participant")], f"listPosts: {posts}")
        self.call(endorse_post, 201, Endorsement, client=wanjiru_client, id=practice.id,
                  body=NewEndorsement(kind=EndorsementKind.WE_DID_THIS_TOO))
        endorsers = self.page(list_endorsements, EndorsementPage, Endorsement, key=lambda e: e.account,
                              client=kofi_client, id=practice.id)
        check(endorsers == [None], f"listEndorsements: endorsers named under the rule: {endorsers}")
        current = self.call(get_post, 200, Post, client=amina_client, id=practice.id)
        self.call(update_post, 200, Post, client=amina_client, id=practice.id, if_match="*",
                  body=PostPatch(body=current.body + " Repairs take days."))
        revisions = self.page(list_post_revisions, PostRevisionPage, PostRevision, key=lambda r: r.body,
                              client=kofi_client, id=practice.id)
        check(revisions == ["We leased tablets with a maintenance SLA."], f"listPostRevisions: {revisions}")
        resolved = self.call(mark_outcome, 200, Thread, client=wanjiru_client, id=thread.id,
                             body=OutcomeRequest(post_id=practice.id))
        check(resolved.status == ThreadStatus.RESOLVED, f"markOutcome: {resolved.status}")
        threads = self.page(list_threads, ThreadPage, Thread, client=kofi_client, id=cop.id, has_outcome=True)
        check(threads == [thread.id], f"listThreads has_outcome: {threads}")
        harmful = self.page(list_practices, PracticeEntryPage, PracticeEntry, key=lambda e: e.post_id,
                            client=kofi_client, id=cop.id, outcome=PracticeOutcome.NEGATIVE)
        check(harmful == [risk.id], f"listPractices outcome=negative: {harmful}")
        found = self.page(search, SearchResultPage, SearchResult, key=lambda r: (r.type_.value, r.author),
                          client=kofi_client, q="tablets", type_=SearchResultType.POST)
        check(sorted(found) == [("post", None), ("post", None)], f"search: {found}")
        flag = self.call(flag_post, 201, Flag, client=kofi_client, id=risk.id, body=Reason(reason="Off topic"))
        flags = self.page(list_flags, FlagPage, Flag, client=amina_client, id=cop.id, status=FlagStatus.OPEN)
        check(flags == [flag.id], f"listFlags: {flags}")
        reveal = self.call(request_reveal, 201, Reveal, client=amina_client, id=risk.id,
                           body=Reason(reason="A complaint about this post"))
        reveals = self.page(list_reveals, RevealPage, Reveal, client=amina_client, id=cop.id)
        check(reveals == [reveal.id] and reveal.author is None, f"listReveals: {reveals}")
        followed = self.page(list_subscriptions, SubscriptionPage, Subscription, client=wanjiru_client)
        check(followed == [thread.id], f"listSubscriptions: {followed}")

        # Amina and Wanjiru share a ministry: each is in the other's silo, so no peers.
        peers = self.call(get_my_peers, 200, PeerList, client=wanjiru_client, community_id=cop.id)
        check(peers.data == [], f"getMyPeers: {peers.data}")

        # Bulk onboarding, a dry run. The generated client has no operation for a text/csv body
        # (openapi-python-client skips it), so this one request goes out through its httpx client.
        self.called.add("import_members")
        csv = f"email,kind,name\r\nrow.{rid}@example.org,scholar,New Row\r\n{kofi.email},scholar,Kofi A.\r\n"
        response = amina_client.get_httpx_client().post(
            f"/v1/communities/{cop.id}/members/import", params={"dry_run": "true"}, content=csv.encode(),
            headers={"Content-Type": "text/csv"})
        check(response.status_code == 200, f"importMembers: {response.status_code} {response.text[:400]}")
        results = ImportResults.from_dict(response.json())
        check(not unknown_members(results, "importMembers"), "importMembers: members the spec does not list")
        check(results.dry_run and results.total_rows == 2, "importMembers: not a dry run of two rows")
        outcomes = [(r.email, r.outcome) for r in results.results]
        check(outcomes == [(f"row.{rid}@example.org", ImportRowResultOutcome.INVITED),
                           (kofi.email, ImportRowResultOutcome.ALREADY_MEMBER)],
              f"importMembers: {outcomes}")

        # The admin's lists.
        accounts = self.page(list_accounts, AccountPage, Account, client=self.admin,
                             member_kind=MemberKind.OFFICIAL, limit=100)
        check({amina.id, wanjiru.id} <= set(accounts), "listAccounts: the officials are missing")
        first = self.call(list_accounts, 200, AccountPage, client=self.admin, limit=1)
        check(len(first.data) == 1 and isinstance(first.next_cursor, str), "listAccounts limit=1: no next page")
        second = self.call(list_accounts, 200, AccountPage, client=self.admin, limit=1, cursor=first.next_cursor)
        check(len(second.data) == 1 and second.data[0].id != first.data[0].id, "listAccounts: the cursor")
        tokens = self.page(list_tokens, TokenPage, Token, client=self.admin, limit=100)
        check(partner.id in tokens, "listTokens: the partner token is missing")
        # The platform's events to the admin; the community's to its convenor, and not to the admin,
        # who is no member.
        events = self.page(list_audit_events, AuditEventPage, AuditEvent, key=lambda e: (e.action, e.target_id),
                           client=self.admin, target_id=str(kofi.id))
        check(("account.created", str(kofi.id)) in events, f"listAuditEvents: {events}")
        inside = self.page(list_audit_events, AuditEventPage, AuditEvent, key=lambda e: e.action,
                           client=self.admin, target_id=str(cop.id))
        check(inside == [], f"listAuditEvents: the admin sees the community's events {inside}")
        events = self.page(list_community_audit_events, AuditEventPage, AuditEvent,
                           key=lambda e: (e.action, e.target_id), client=amina_client, id=cop.id,
                           target_id=str(cop.id))
        check(("community.created", str(cop.id)) in events, f"listCommunityAuditEvents: {events}")
        verification = self.call(verify_audit_log, 200, AuditVerification, client=self.admin)
        check(verification.intact is True, "verifyAuditLog: the chain is broken")
        card = self.call(get_community, 200, Community, client=kofi_client, id=cop.id)
        check(card.viewer_role == MembershipRole.MEMBER, "getCommunity: Kofi is not a member")


def nonconforming(spec: dict, responses) -> list[str]:
    """Every recorded answer whose body the spec's schema for its operation and status refuses."""
    operations = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                operations.append((method.upper(), pattern, template, operation))
    found = []
    for method, path, status, content_type, body in responses:
        matches = [(t, o) for m, p, t, o in operations if m == method and p.match(path)]
        if not matches:
            found.append(f"{method} {path}: no operation in the spec")
            continue
        template, operation = max(matches, key=lambda m: m[0].count("/") - m[0].count("{"))
        declared = operation["responses"].get(str(status)) or operation["responses"].get("default")
        if declared is None:
            found.append(f"{method} {template}: status {status} is not in the spec")
            continue
        if "$ref" in declared:
            declared = spec["components"]["responses"][declared["$ref"].rsplit("/", 1)[-1]]
        media = content_type.split(";")[0].strip()
        content = declared.get("content")
        if not content:
            if body:
                found.append(f"{method} {template} {status}: a body where the spec has none")
            continue
        if media not in content:
            found.append(f"{method} {template} {status}: {media} is not in the spec")
            continue
        if not media.endswith("json"):
            continue
        schema = {**content[media]["schema"], "components": spec["components"]}
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        errors = [f"{e.message} at {'/'.join(map(str, e.instance_path))}" for e in validator.iter_errors(json.loads(body))]
        if errors:
            found.append(f"{method} {template} {status}: {errors[:3]}")
    return found


def load_spec(spec_path: str) -> dict:
    with open(spec_path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def list_operations(spec: dict) -> set[str]:
    """The generated names of every GET whose 200 answer is a page (`data` and `next_cursor`)."""
    schemas = spec["components"]["schemas"]
    names = set()
    for item in spec["paths"].values():
        operation = item.get("get")
        if not operation:
            continue
        schema = (operation["responses"].get("200", {}).get("content", {})
                  .get("application/json", {}).get("schema", {}))
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        properties = schema.get("properties", {})
        if properties.get("data", {}).get("type") == "array" and "next_cursor" in properties:
            names.add(re.sub(r"(?<!^)(?=[A-Z])", "_", operation["operationId"]).lower())
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--spec", default="openapi.yaml")
    parser.add_argument("--outbox", required=True, help="the command that prints the outbox")
    parser.add_argument("--mail-dir", help="the folder where the SMTP server keeps what it receives")
    args = parser.parse_args()
    flow = Flow(args.url, args.admin_token, shlex.split(args.outbox), args.mail_dir)
    try:
        flow.run()
        spec = load_spec(args.spec)
        lists = list_operations(spec)
        check(len(lists) > 0, "the spec has no list operations")
        missed = sorted(lists - flow.called)
        check(not missed, f"list operations the flow never called: {missed}")
        # Each answer also holds to the spec's schema, conditions and formats included.
        wrong = nonconforming(spec, flow.responses)
        check(not wrong, "answers the spec refuses:\n  " + "\n  ".join(wrong))
    except Exception as error:  # noqa: BLE001 - any failure, reported as one line and a trace
        traceback.print_exc()
        print(f"readme flow via generated client: FAILED: {error}")
        return 1
    print(f"readme flow via generated client: ok ({len(flow.called)} operations, all {len(lists)} list "
          f"operations, {len(flow.responses)} answers as the spec says)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
