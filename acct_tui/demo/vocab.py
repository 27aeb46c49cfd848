"""Words the demo is made of: people, companies, industries, what touches are about.

Plain tuples, read by the generator through a seeded `random.Random`, so the
same seed always picks the same words.
"""

from __future__ import annotations

VN_FAMILY = ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong", "Ly")
VN_GIVEN = (
    "Minh", "An", "Lan", "Linh", "Huong", "Tuan", "Dung", "Hai", "Nam", "Thao", "Trang", "Hung",
    "Quang", "Mai", "Phuong", "Khanh", "Thu", "Hoa", "Bao", "Long", "Vy", "Duc", "Hieu", "Ngoc",
)
EN_FAMILY = ("Smith", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes", "Evans", "Murphy", "Turner", "Reed", "Hall", "Ward", "Price")
EN_GIVEN = (
    "James", "Emma", "Olivia", "Liam", "Noah", "Sophie", "Daniel", "Grace", "Jack", "Chloe",
    "Ethan", "Hannah", "Lucas", "Mia", "Oscar", "Ruby", "Sam", "Zoe", "Adam", "Claire",
)

TEAM_NAMES = ("North", "South", "Central", "Coast", "Delta", "Highlands", "Metro", "Harbour")

COMPANY_HEAD = (
    "Saigon", "Hanoi", "Mekong", "Lotus", "Bamboo", "Red River", "Golden Dragon", "Sapa", "Halong", "Da Nang",
    "Hue", "Phoenix", "Northwind", "Blue Harbor", "Silverline", "Pinecrest", "Redwood", "Bright Star",
    "Orchid", "Jade", "Summit", "Riverside", "Evergreen", "Lighthouse", "Anchor", "Keystone", "Horizon",
    "Crescent", "Sunrise", "Cedar", "Ironbridge", "Harvest", "Sao Mai", "Hoa Binh", "Thanh Cong", "Viet Tien",
    "Phu My", "An Phat", "Tan Long", "Kim Long", "Atlas", "Beacon", "Cobalt", "Granite", "Meridian", "Nova",
)
COMPANY_TRADE = (
    "Logistics", "Foods", "Textiles", "Pharma", "Steel", "Retail", "Seafood", "Coffee", "Software",
    "Energy", "Construction", "Telecom", "Finance", "Electronics", "Packaging", "Hospitality", "Agritech",
    "Motors", "Plastics", "Media", "Health", "Furniture", "Shipping", "Insurance", "Cement", "Paper",
)
COMPANY_FORM = ("JSC", "Co., Ltd", "Group", "Corp", "Inc", "Holdings", "Ltd", "Trading")

INDUSTRIES = (
    "Manufacturing", "Retail", "Logistics", "Financial services", "Healthcare", "Telecommunications",
    "Hospitality", "Construction", "Food and beverage", "Software", "Energy", "Education", "Agriculture",
)

CONTACT_TITLES = {
    "champion": ("Operations Manager", "Head of Procurement", "IT Manager", "Project Lead"),
    "sponsor": ("Chief Operating Officer", "Chief Financial Officer", "General Director", "VP Operations"),
    "decision_maker": ("Procurement Director", "Finance Director", "Head of IT", "Purchasing Manager"),
    "user": ("Analyst", "Team Leader", "Coordinator", "Specialist", "Accountant", "Engineer"),
    "other": ("Assistant", "Legal Counsel"),
}

SUBJECTS = {
    "visit": (
        "Quarterly business review on site", "Site visit: rollout progress", "Visit to meet the new team",
        "On-site workshop on reporting", "Visit: contract scope and next phase", "Courtesy visit",
    ),
    "call": (
        "Check-in call", "Call about open invoice", "Call: usage questions", "Follow-up call after delivery",
        "Call to confirm next steps", "Quick call on renewal timeline",
    ),
    "email": (
        "Sent monthly usage report", "Shared proposal for phase 2", "Sent meeting minutes", "Answered billing question",
        "Shared training schedule", "Sent renewal terms",
    ),
    "meeting": (
        "Steering committee", "Planning meeting for next quarter", "Meeting with finance on budget",
        "Review of service levels", "Product roadmap session",
    ),
    "update": (
        "Status update: rollout", "Status update: integration", "Monthly status update", "Status update: open issues",
    ),
    "note": (
        "Internal note: buying centre", "Note: competitor seen on site", "Note: budget cycle starts in Q1",
        "Note: client reorganising the department", "Note: preferred contact hours",
    ),
}

OUTCOMES = (
    "Agreed next steps and owners", "Client happy with progress", "Open questions answered",
    "Client asked for a proposal", "Timeline confirmed", "Will follow up with pricing",
)
SOUR_OUTCOMES = (
    "Client unhappy with response times", "Escalated frustration about repeated outages",
    "Sponsor questioned the value of the contract", "Client comparing us with a competitor",
)
UPDATE_SUMMARY = (
    "Where we are: {phase}. Done: {done}. In progress: {doing}. Risks: {risk}. Next step: {next}."
)
PHASES = ("rollout at 60%", "pilot finished", "second site live", "integration testing", "steady state")
DONE = ("user training", "data migration", "first reports delivered", "SSO set up", "pilot sign-off")
DOING = ("second site onboarding", "API integration", "custom reports", "billing alignment")
RISKS = ("none", "key user on leave", "budget approval pending", "IT capacity on client side")
NEXTS = ("steering committee", "sign-off of phase 2", "training for new staff", "usage review")

COMMITMENTS = (
    "Send proposal for phase 2", "Share usage report", "Fix invoice address", "Arrange training session",
    "Send renewal quote", "Book steering committee", "Confirm delivery date", "Introduce support lead",
    "Send reference case study", "Prepare QBR deck",
)
CASE_SUBJECTS = (
    "Report export fails", "Invoice amount disputed", "Slow response from support", "Login problems after update",
    "Data missing in monthly report", "Delivery delayed", "Outage at main site", "Wrong user licences billed",
)
DELIVERABLES = ("Phase 2 go-live", "Custom report pack", "Integration with ERP", "Second site rollout", "Training programme")
EXPANSIONS = ("More seats", "Second site", "Premium support tier", "Usage tier upgrade", "New business unit")
CROSS_SELLS = ("Analytics add-on", "Managed service", "Training package", "Security module", "Integration pack")
DEADLINES = ("Budget submission", "Security audit answers", "Tender response due", "Data retention review")
VISIT_PURPOSES = ("Quarterly review", "Relationship visit", "Rollout check", "Renewal discussion", "Meet new stakeholders")
