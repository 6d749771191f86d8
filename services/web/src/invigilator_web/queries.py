"""The GraphQL documents this app sends (see services/case-service/schema.graphql)."""

QUEUE = """
query Queue($where: CaseFilter, $first: Int!, $after: String) {
  cases(where: $where, first: $first, after: $after) {
    nodes {
      id schoolId staff clause title severity owner status track stage openedAt updatedAt breachCount
      school { id name }
      overdue { key title due }
      tasks { key title due overdue }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CASE = """
query Case($id: ID!) {
  case(id: $id) {
    id schoolId staff clause title severity owner status track stage version openedAt updatedAt
    closedAt breachCount
    school { id name }
    breaches { breachId clause title severity reason occurredAt policyRef decisionId }
    allowedCommands { name title mutation }
    tasks { key track title due openedAt overdue }
    history { version command actor at payload decisionId }
    timeline { seq track kind actor at details }
    notes { id author body at }
    evidence { reference description addedBy at }
    decisions { track kind outcome decidedBy rationale at }
    letters { kind recipient content createdAt sentAt }
  }
}
"""

REVEALS = """
query Reveals($id: ID!) {
  identityReveals(caseId: $id) {
    id staff reason requestedBy requestedAt status decidedBy decidedAt decisionNote
  }
}
"""

CONTENT_ACCESS = """
query ContentAccess($id: ID!) {
  contentAccessRequests(caseId: $id) {
    id staff purpose scope reason requestedBy grantee requestedAt status decidedBy decidedAt
    decisionNote expiresAt live
  }
}
"""

REVEALED_IDENTITY = """
query Revealed($id: ID!) { revealedIdentity(caseId: $id) { caseId staff schoolId account auditSeq } }
"""

CASE_EVIDENCE = """
query Evidence($id: ID!) {
  caseEvidence(caseId: $id) {
    caseId staff auditSeq
    breaches { breachId clause occurredAt reason evidence evidenceEventIds decisionId }
  }
}
"""

ADD_NOTE = """
mutation AddNote($caseId: ID!, $body: String!) { addNote(caseId: $caseId, body: $body) { id } }
"""

REQUEST_REVEAL = """
mutation RequestReveal($caseId: ID!, $reason: String!) {
  requestIdentityReveal(caseId: $caseId, reason: $reason) { id status }
}
"""

DECIDE_REVEAL = """
mutation DecideReveal($id: ID!, $approve: Boolean!, $note: String) {
  decideIdentityReveal(revealId: $id, approve: $approve, note: $note) { id status }
}
"""

REQUEST_CONTENT = """
mutation RequestContent($caseId: ID!, $purpose: LawfulPurpose!, $scope: String!, $reason: String!,
                        $grantee: String) {
  requestContentAccess(caseId: $caseId, purpose: $purpose, scope: $scope, reason: $reason,
                       grantee: $grantee) { id status }
}
"""

DECIDE_CONTENT = """
mutation DecideContent($id: ID!, $approve: Boolean!, $expiresAt: DateTime, $note: String) {
  decideContentAccess(accessId: $id, approve: $approve, expiresAt: $expiresAt, note: $note) { id status }
}
"""

AUDIT_LOG = """
query Audit($caseId: ID, $schoolId: String, $afterSeq: Int!) {
  auditLog(caseId: $caseId, schoolId: $schoolId, afterSeq: $afterSeq, first: 100) {
    seq at actor action schoolId caseId staff details decisionId
  }
  auditChain { intact firstBroken headSeq checkedAt }
  subjectAccessRequests(schoolId: $schoolId) {
    id schoolId staff receivedOn dueOn status overdue daysLeft exportedAt
  }
}
"""


def transition(mutation: str, has_input: bool) -> str:
    """The document of one workflow mutation (`mutation` comes from the command table, never from
    the request)."""
    params = "$caseId: ID!, $expectedVersion: Int" + (
        f", $input: {mutation[0].upper()}{mutation[1:]}Input!" if has_input else ""
    )
    args = "caseId: $caseId, expectedVersion: $expectedVersion" + (", input: $input" if has_input else "")
    return f"mutation Transition({params}) {{ {mutation}({args}) {{ case {{ id stage version }} }} }}"


USE_CONTENT = """
mutation UseContent($id: ID!, $item: String!) {
  useContentAccess(accessId: $id, item: $item) { item auditSeq }
}
"""
