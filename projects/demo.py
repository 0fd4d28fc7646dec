"""The demo data the portal's quick start runs with, and the loader that puts it in the database.

`load_demo()` is idempotent: users are keyed by e-mail, projects by code, sessions by title within their
project and nominations by the candidate's e-mail within their project. A second run on the same day
creates and changes nothing (not even `updated_at` or the audit trail). A run on a later day moves the
current projects' dates along with `today`, so that the demo always has nominations closing in a few
days; it never creates a second copy of anything.

Projects are created and moved through their statuses with the project services, so the audit trail
looks as if the demo Secretariat user had done it. Sessions and nominations are written with the ORM
(there are no nomination services yet), after `full_clean()`.

The first two projects are the two real APO documents of /work/shared/seeds, copied faithfully; the
rest are realistic inventions. Every person and e-mail address is invented.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from collections import Counter

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts.email_address import normalize_email
from accounts.models import Economy, User
from nominations.models import DECISIONS, Nomination

from .models import Project, Session, end_of_day
from .services import project_create, project_transition, project_update

DEMO_PASSWORD = "demo-pass-2026"
SECRETARIAT_EMAIL = "secretariat@example.org"

Type = Project.Type
Modality = Project.Modality
Scope = Project.Scope
Status = Project.Status
Gender = Nomination.Gender
OrgType = Nomination.OrganizationType
English = Nomination.EnglishProficiency
NominationStatus = Nomination.Status


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Candidate:
    """A person an NPO may nominate, with the biodata the nomination form asks for."""

    full_name: str
    gender: str
    email: str
    designation: str
    organization: str
    organization_type: str
    education: str
    experience: str
    english_proficiency: str = English.ADVANCED


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    economy: str | None = None  # ISO code; the NPO of an officer, the home economy of a participant
    time_zone: str | None = None  # None: the economy's
    is_staff: bool = False
    is_superuser: bool = False
    candidate: Candidate | None = None  # a participant's biodata, used on the nominations that select them


def _participant(number: int, economy: str, full_name: str, gender: str, **biodata) -> DemoUser:
    email = "participant@example.org" if number == 1 else f"participant{number}@example.org"
    return DemoUser(
        email=email,
        full_name=full_name,
        role=User.Role.PARTICIPANT,
        economy=economy,
        candidate=Candidate(full_name=full_name, gender=gender, email=email, **biodata),
    )


SECRETARIAT = DemoUser(
    email=SECRETARIAT_EMAIL,
    full_name="Aiko Tanaka",
    role=User.Role.SECRETARIAT,
    time_zone="Asia/Tokyo",
    is_staff=True,
    is_superuser=True,
)

NPO_OFFICERS = [
    DemoUser(email="npo-lk@example.org", full_name="Nadeesha Perera", role=User.Role.NPO_OFFICER, economy="LK"),
    DemoUser(email="npo-id@example.org", full_name="Budi Santoso", role=User.Role.NPO_OFFICER, economy="ID"),
    DemoUser(email="npo-ph@example.org", full_name="Maria Santos", role=User.Role.NPO_OFFICER, economy="PH"),
    DemoUser(email="npo-in@example.org", full_name="Rahul Sharma", role=User.Role.NPO_OFFICER, economy="IN"),
]

PARTICIPANTS = [
    _participant(
        1,
        "VN",
        "Nguyễn Thị Minh Anh",
        Gender.FEMALE,
        designation="Senior Expert, Productivity Training Division",
        organization="Vietnam National Productivity Institute",
        organization_type=OrgType.NPO,
        education="Master of Public Policy, National Economics University, Hanoi",
        experience="9 years designing productivity training for public agencies and SMEs",
    ),
    _participant(
        2,
        "LK",
        "Sunil Wijesinghe",
        Gender.MALE,
        designation="Deputy Director",
        organization="Sri Lanka Institute of Development Administration",
        organization_type=OrgType.GOVERNMENT,
        education="MBA, University of Sri Jayewardenepura",
        experience="15 years in public-sector training and performance management",
    ),
    _participant(
        3,
        "ID",
        "Siti Rahmawati",
        Gender.FEMALE,
        designation="Head, Performance Management Division",
        organization="National Civil Service Agency, Indonesia",
        organization_type=OrgType.GOVERNMENT,
        education="Master of Public Administration, Universitas Indonesia",
        experience="12 years in civil-service human resources and performance appraisal",
    ),
    _participant(
        4,
        "TH",
        "สมชาย ใจดี",
        Gender.MALE,
        designation="Senior Production Engineer",
        organization="Thai Precision Parts Co., Ltd.",
        organization_type=OrgType.SME,
        education="B.Eng. in Industrial Engineering, Chulalongkorn University",
        experience="10 years in automotive parts production and lean manufacturing",
        english_proficiency=English.INTERMEDIATE,
    ),
    _participant(
        5,
        "IN",
        "राजेश कुमार",
        Gender.MALE,
        designation="Deputy Director (Industrial Engineering)",
        organization="National Productivity Council, India",
        organization_type=OrgType.NPO,
        education="M.Tech. in Industrial Engineering, IIT Delhi",
        experience="13 years of productivity consultancy for MSMEs",
        english_proficiency=English.FLUENT,
    ),
    _participant(
        6,
        "JP",
        "田中 花子",
        Gender.FEMALE,
        designation="Assistant Manager, Corporate Planning",
        organization="Hokuriku Food Industries Co., Ltd.",
        organization_type=OrgType.SME,
        education="B.A. in Economics, Kanazawa University",
        experience="7 years in production planning and quality control in food processing",
        english_proficiency=English.INTERMEDIATE,
    ),
    _participant(
        7,
        "IR",
        "محمد رضایی",
        Gender.MALE,
        designation="Head of Performance Evaluation",
        organization="Administrative and Recruitment Affairs Organization, Iran",
        organization_type=OrgType.GOVERNMENT,
        education="PhD in Public Administration, University of Tehran",
        experience="11 years in public-sector performance evaluation",
    ),
    _participant(
        8,
        "PH",
        "Jose Miguel Dela Cruz",
        Gender.MALE,
        designation="Hospital Operations Manager",
        organization="Bayanihan General Hospital",
        organization_type=OrgType.PRIVATE,
        education="Master in Hospital Administration, University of the Philippines Manila",
        experience="8 years in hospital operations and patient flow improvement",
        english_proficiency=English.FLUENT,
    ),
    _participant(
        9,
        "KR",
        "김지훈",
        Gender.MALE,
        designation="Manager, Smart Factory Team",
        organization="Hanbit Precision Co., Ltd.",
        organization_type=OrgType.SME,
        education="M.S. in Industrial Engineering, KAIST",
        experience="9 years in factory automation and MES deployment",
    ),
    _participant(
        10,
        "BD",
        "তাহমিনা আক্তার",
        Gender.FEMALE,
        designation="Senior Assistant Secretary",
        organization="Cabinet Division, Government of Bangladesh",
        organization_type=OrgType.GOVERNMENT,
        education="MSS in Public Administration, University of Dhaka",
        experience="8 years in e-government and public service innovation",
    ),
]

DEMO_USERS = [SECRETARIAT, *NPO_OFFICERS, *PARTICIPANTS]
PARTICIPANT_BY_EMAIL = {p.email: p for p in PARTICIPANTS}


def _c(
    name, gender, email, designation, organization, organization_type, education, experience, english=English.ADVANCED
) -> Candidate:
    return Candidate(
        full_name=name,
        gender=gender,
        email=email,
        designation=designation,
        organization=organization,
        organization_type=organization_type,
        education=education,
        experience=experience,
        english_proficiency=english,
    )


M, F = Gender.MALE, Gender.FEMALE

# Candidates each NPO nominates, in its usual order of priority (three per member economy).
# A table, one candidate a row: kept compact by hand rather than one argument a line.
# fmt: off
CANDIDATES: dict[str, list[Candidate]] = {
    "BD": [
        _c("Md. Kamrul Hasan", M, "kamrul.hasan@example.com", "Deputy Secretary", "Ministry of Industries, Bangladesh",
           OrgType.GOVERNMENT, "MSS in Public Administration, University of Dhaka",
           "14 years in industrial policy and public administration"),
        _c("Farhana Islam", F, "farhana.islam@example.com", "Productivity Officer",
           "National Productivity Organisation, Bangladesh", OrgType.NPO, "MBA, Jahangirnagar University",
           "8 years in productivity promotion and training"),
        _c("Abdullah Al Mamun", M, "abdullah.mamun@example.com", "Assistant Professor",
           "Bangladesh University of Engineering and Technology", OrgType.ACADEMIA,
           "PhD in Industrial and Production Engineering", "10 years teaching operations management", English.FLUENT),
    ],
    "KH": [
        _c("Sok Chanthou", F, "sok.chanthou@example.com", "Deputy Director, Department of Industrial Development",
           "Ministry of Industry, Science, Technology and Innovation, Cambodia", OrgType.GOVERNMENT,
           "Master of Economics, Royal University of Law and Economics", "11 years in industrial development policy",
           English.INTERMEDIATE),
        _c("Chea Vannak", M, "chea.vannak@example.com", "Productivity Consultant",
           "National Productivity Centre of Cambodia", OrgType.NPO, "MBA, Royal University of Phnom Penh",
           "6 years advising garment and food SMEs"),
        _c("Ly Sreymom", F, "ly.sreymom@example.com", "Operations Manager", "Angkor Agri-Processing Co., Ltd.",
           OrgType.SME, "B.Sc. in Agro-industry, Royal University of Agriculture",
           "7 years in rice and cashew processing", English.INTERMEDIATE),
    ],
    "TW": [
        _c("Chen Yi-Ting", F, "chen.yiting@example.com", "Senior Consultant", "China Productivity Center", OrgType.NPO,
           "M.S. in Industrial Management, National Taiwan University of Science and Technology",
           "12 years of consultancy on smart manufacturing"),
        _c("Lin Chih-Wei", M, "lin.chihwei@example.com", "Section Chief",
           "Industrial Development Administration, Ministry of Economic Affairs", OrgType.GOVERNMENT,
           "Master of Public Affairs, National Chengchi University", "14 years in industrial policy"),
        _c("Huang Mei-Ling", F, "huang.meiling@example.com", "Associate Professor",
           "National Taiwan University of Science and Technology", OrgType.ACADEMIA,
           "PhD in Environmental Engineering", "15 years of research on green manufacturing", English.FLUENT),
    ],
    "FJ": [
        _c("Mereani Vakatawa", F, "mereani.vakatawa@example.com", "Senior Trainer",
           "National Training and Productivity Centre, Fiji National University", OrgType.NPO,
           "Master of Business Administration, University of the South Pacific", "10 years in productivity training",
           English.FLUENT),
        _c("Ravinesh Prasad", M, "ravinesh.prasad@example.com", "Principal Economic Planning Officer",
           "Ministry of Trade, Co-operatives, Small and Medium Enterprises and Communications, Fiji",
           OrgType.GOVERNMENT, "Master of Commerce in Economics, University of the South Pacific",
           "9 years in SME policy", English.FLUENT),
        _c("Josefa Tuilau", M, "josefa.tuilau@example.com", "Plant Manager", "Pacific Fresh Foods Pte Ltd",
           OrgType.PRIVATE, "Diploma in Mechanical Engineering, Fiji National University",
           "12 years in food processing plants", English.FLUENT),
    ],
    "HK": [
        _c("Wong Ka-Yan", F, "wong.kayan@example.com", "Senior Consultant", "Hong Kong Productivity Council",
           OrgType.NPO, "M.Sc. in Engineering Business Management, The Hong Kong Polytechnic University",
           "9 years in digital transformation consultancy", English.FLUENT),
        _c("Chan Tsz-Hin", M, "chan.tszhin@example.com", "Operations Director", "Harbour Precision Engineering Ltd.",
           OrgType.SME, "B.Eng. in Industrial Engineering, The University of Hong Kong",
           "13 years in precision manufacturing", English.FLUENT),
        _c("Leung Wai-Man", M, "leung.waiman@example.com", "Lecturer", "The Hong Kong Polytechnic University",
           OrgType.ACADEMIA, "PhD in Logistics", "8 years teaching service operations", English.FLUENT),
    ],
    "IN": [
        _c("Priya Nair", F, "priya.nair@example.com", "Deputy Director", "National Productivity Council, India",
           OrgType.NPO, "MBA, Indian Institute of Management Kozhikode", "11 years of productivity consultancy",
           English.FLUENT),
        _c("Arjun Mehta", M, "arjun.mehta@example.com", "Joint Director",
           "Ministry of Micro, Small and Medium Enterprises, India", OrgType.GOVERNMENT,
           "M.A. in Economics, Delhi School of Economics", "16 years in MSME development programs", English.FLUENT),
        _c("Kavita Iyer", F, "kavita.iyer@example.com", "Head of Operational Excellence",
           "Bharat Heavy Electricals Limited", OrgType.PUBLIC_ENTERPRISE,
           "B.E. in Mechanical Engineering, Anna University", "14 years in lean and TPM", English.FLUENT),
    ],
    "ID": [
        _c("Dewi Lestari", F, "dewi.lestari@example.com", "Policy Analyst", "National Civil Service Agency, Indonesia",
           OrgType.GOVERNMENT, "Master of Public Policy, Universitas Gadjah Mada", "9 years in civil-service reform"),
        _c("Agus Wibowo", M, "agus.wibowo@example.com", "Head of Productivity Section",
           "Directorate of Productivity Development, Ministry of Manpower", OrgType.NPO,
           "Master of Management, Universitas Diponegoro", "13 years in productivity promotion", English.INTERMEDIATE),
        _c("Rina Kartika", F, "rina.kartika@example.com", "Lecturer, Faculty of Agricultural Technology",
           "Universitas Gadjah Mada", OrgType.ACADEMIA, "PhD in Agroindustrial Technology",
           "10 years of research on agrifood supply chains"),
    ],
    "IR": [
        _c("Ali Karimi", M, "ali.karimi@example.com", "Expert in Productivity Measurement",
           "National Iranian Productivity Organization", OrgType.NPO,
           "M.Sc. in Industrial Engineering, Amirkabir University of Technology",
           "10 years in productivity measurement", English.INTERMEDIATE),
        _c("Zahra Ahmadi", F, "zahra.ahmadi@example.com", "Senior Quality Manager",
           "Pars Auto Parts Manufacturing Co.", OrgType.PRIVATE,
           "M.Sc. in Quality Engineering, Iran University of Science and Technology",
           "12 years in automotive quality systems"),
        _c("Reza Hosseini", M, "reza.hosseini@example.com", "Assistant Professor of Industrial Engineering",
           "Sharif University of Technology", OrgType.ACADEMIA, "PhD in Industrial Engineering",
           "8 years of research on operations analytics", English.FLUENT),
    ],
    "JP": [
        _c("Kenji Sato", M, "kenji.sato@example.com", "Senior Researcher", "Japan Productivity Center", OrgType.NPO,
           "M.A. in Economics, Keio University", "14 years of research on productivity statistics"),
        _c("Yuki Yamamoto", F, "yuki.yamamoto@example.com", "Manager, Production Engineering",
           "Chubu Seimitsu Co., Ltd.", OrgType.SME, "B.Eng. in Mechanical Engineering, Nagoya University",
           "12 years in production engineering", English.INTERMEDIATE),
        _c("Takeshi Kobayashi", M, "takeshi.kobayashi@example.com", "Deputy Director",
           "Ministry of Economy, Trade and Industry, Japan", OrgType.GOVERNMENT, "LL.B., The University of Tokyo",
           "15 years in industrial and SME policy"),
    ],
    "KR": [
        _c("Park Seo-yeon", F, "park.seoyeon@example.com", "Senior Consultant", "Korea Productivity Center",
           OrgType.NPO, "MBA, Yonsei University", "10 years of productivity and management consultancy"),
        _c("Lee Jun-seo", M, "lee.junseo@example.com", "Deputy Director",
           "Ministry of SMEs and Startups, Republic of Korea", OrgType.GOVERNMENT,
           "Master of Public Administration, Seoul National University", "12 years in SME policy"),
        _c("Choi Hye-jin", F, "choi.hyejin@example.com", "Research Fellow",
           "Korea Institute for Industrial Economics and Trade", OrgType.ACADEMIA, "PhD in Economics",
           "9 years of research on industrial productivity", English.FLUENT),
    ],
    "LA": [
        _c("Souksavanh Phommachanh", M, "souksavanh.p@example.com", "Deputy Director General",
           "Department of Small and Medium Enterprise Promotion, Lao PDR", OrgType.NPO,
           "Master of Business Administration, National University of Laos", "15 years in SME promotion",
           English.INTERMEDIATE),
        _c("Khamla Sisouphanh", F, "khamla.s@example.com", "Technical Officer",
           "Ministry of Industry and Commerce, Lao PDR", OrgType.GOVERNMENT,
           "B.A. in Economics, National University of Laos", "6 years in trade facilitation", English.INTERMEDIATE),
        _c("Bounmy Vongsa", M, "bounmy.vongsa@example.com", "Managing Director",
           "Lao Highland Coffee Processing Co., Ltd.", OrgType.SME, "B.Sc. in Agriculture, Souphanouvong University",
           "10 years in coffee processing and export", English.BASIC),
    ],
    "MY": [
        _c("Nurul Aina binti Ahmad", F, "nurul.aina@example.com", "Senior Productivity Officer",
           "Malaysia Productivity Corporation", OrgType.NPO,
           "Master of Science in Quality and Productivity Improvement, UKM", "9 years in productivity nexus programs",
           English.FLUENT),
        _c("Tan Wei Jie", M, "tan.weijie@example.com", "Engineering Manager", "Penang Precision Components Sdn. Bhd.",
           OrgType.SME, "B.Eng. in Mechatronics, Universiti Sains Malaysia", "11 years in electronics manufacturing",
           English.FLUENT),
        _c("Muthu Kumar a/l Raman", M, "muthu.kumar@example.com", "Principal Assistant Director",
           "Ministry of Investment, Trade and Industry, Malaysia", OrgType.GOVERNMENT,
           "Master of Economics, Universiti Malaya", "13 years in industrial policy", English.FLUENT),
    ],
    "MN": [
        _c("Bat-Erdene Ganbold", M, "baterdene.g@example.com", "Director of Training",
           "Mongolian Productivity Organization", OrgType.NPO, "MBA, National University of Mongolia",
           "12 years in management training", English.INTERMEDIATE),
        _c("Oyuntsetseg Dorj", F, "oyuntsetseg.d@example.com", "Senior Officer",
           "Ministry of Food, Agriculture and Light Industry, Mongolia", OrgType.GOVERNMENT,
           "M.Sc. in Agricultural Economics, Mongolian University of Life Sciences", "8 years in agrifood policy",
           English.INTERMEDIATE),
        _c("Enkhjargal Tsend", F, "enkhjargal.t@example.com", "Quality Manager", "Gobi Steppe Cashmere LLC",
           OrgType.PRIVATE, "B.Eng. in Textile Technology, Mongolian University of Science and Technology",
           "9 years in textile quality management"),
    ],
    "NP": [
        _c("Sita Shrestha", F, "sita.shrestha@example.com", "Productivity Officer",
           "National Productivity and Economic Development Centre", OrgType.NPO, "MBA, Tribhuvan University",
           "7 years in productivity training"),
        _c("Ramesh Adhikari", M, "ramesh.adhikari@example.com", "Under Secretary",
           "Ministry of Industry, Commerce and Supplies, Nepal", OrgType.GOVERNMENT,
           "Master of Public Administration, Tribhuvan University", "14 years in public administration"),
        _c("Bikash Thapa", M, "bikash.thapa@example.com", "Lecturer", "Kathmandu University", OrgType.ACADEMIA,
           "M.E. in Industrial Engineering", "6 years teaching production management"),
    ],
    "PK": [
        _c("Ayesha Siddiqui", F, "ayesha.siddiqui@example.com", "Deputy Manager, Training",
           "National Productivity Organization, Pakistan", OrgType.NPO,
           "MBA, Lahore University of Management Sciences", "8 years in productivity training", English.FLUENT),
        _c("Usman Tariq", M, "usman.tariq@example.com", "Section Officer",
           "Ministry of Industries and Production, Pakistan", OrgType.GOVERNMENT,
           "M.Sc. in Economics, Quaid-i-Azam University", "10 years in industrial policy"),
        _c("Imran Qureshi", M, "imran.qureshi@example.com", "Plant Manager", "Indus Valley Textile Mills Ltd.",
           OrgType.PRIVATE, "B.Sc. in Textile Engineering, National Textile University",
           "15 years in textile manufacturing"),
    ],
    "PH": [
        _c("Ana Liza Mendoza", F, "analiza.mendoza@example.com", "Program Manager, Center for Governance",
           "Development Academy of the Philippines", OrgType.NPO,
           "Master in Public Management, Development Academy of the Philippines",
           "12 years in public-sector productivity programs", English.FLUENT),
        _c("Ramon Villanueva", M, "ramon.villanueva@example.com", "Division Chief",
           "Department of Trade and Industry, Philippines", OrgType.GOVERNMENT,
           "Master of Business Administration, Ateneo de Manila University", "15 years in MSME development",
           English.FLUENT),
        _c("Kristine Joy Bautista", F, "kristine.bautista@example.com", "Administrative Officer V",
           "City Government of Quezon City", OrgType.LOCAL_GOVERNMENT,
           "Bachelor of Science in Public Administration, Polytechnic University of the Philippines",
           "7 years in local government service improvement", English.FLUENT),
    ],
    "SG": [
        _c("Lim Hui Min", F, "lim.huimin@example.com", "Senior Development Partner", "Enterprise Singapore",
           OrgType.NPO, "Master of Science in Management, Nanyang Technological University",
           "9 years in enterprise development", English.FLUENT),
        _c("Muhammad Faizal bin Osman", M, "faizal.osman@example.com", "Deputy Director, Productivity",
           "Ministry of Trade and Industry, Singapore", OrgType.GOVERNMENT,
           "Master in Public Policy, National University of Singapore", "11 years in productivity policy",
           English.FLUENT),
        _c("Goh Kai Xiang", M, "goh.kaixiang@example.com", "Operations Lead", "Lion City Logistics Pte. Ltd.",
           OrgType.PRIVATE, "B.Eng. in Industrial and Systems Engineering, National University of Singapore",
           "8 years in warehouse automation", English.FLUENT),
    ],
    "LK": [
        _c("Dilshan Fernando", M, "dilshan.fernando@example.com", "Productivity Development Officer",
           "National Productivity Secretariat, Sri Lanka", OrgType.NPO, "B.Sc. in Management, University of Colombo",
           "8 years in productivity promotion in the public sector"),
        _c("Chamari Jayasinghe", F, "chamari.jayasinghe@example.com", "Assistant Director",
           "Ministry of Public Administration, Sri Lanka", OrgType.GOVERNMENT,
           "Master of Public Administration, Postgraduate Institute of Management",
           "10 years in public administration"),
        _c("Kasun Rathnayake", M, "kasun.rathnayake@example.com", "Senior Lecturer", "University of Moratuwa",
           OrgType.ACADEMIA, "PhD in Manufacturing Engineering", "9 years teaching industrial engineering",
           English.FLUENT),
    ],
    "TH": [
        _c("Siriporn Wongsuwan", F, "siriporn.w@example.com", "Consultant", "Thailand Productivity Institute",
           OrgType.NPO, "M.B.A., Thammasat University", "8 years of productivity consultancy for SMEs"),
        _c("Anan Chaiyaporn", M, "anan.chaiyaporn@example.com", "Senior Officer",
           "Department of Industrial Promotion, Ministry of Industry, Thailand", OrgType.GOVERNMENT,
           "M.Econ., Kasetsart University", "12 years in SME promotion", English.INTERMEDIATE),
        _c("Pimchanok Srisuk", F, "pimchanok.srisuk@example.com", "Factory Manager", "Siam Agro Foods Co., Ltd.",
           OrgType.SME, "B.Sc. in Food Science, Kasetsart University", "11 years in food processing",
           English.INTERMEDIATE),
    ],
    "TR": [
        _c("Elif Yılmaz", F, "elif.yilmaz@example.com", "Industry and Technology Expert",
           "General Directorate of Productivity, Ministry of Industry and Technology", OrgType.NPO,
           "M.Sc. in Industrial Engineering, Middle East Technical University", "9 years in productivity programs"),
        _c("Mehmet Demir", M, "mehmet.demir@example.com", "Head of Department",
           "Small and Medium Enterprises Development Organization (KOSGEB)", OrgType.GOVERNMENT,
           "M.A. in Economics, Ankara University", "14 years in SME support programs", English.INTERMEDIATE),
        _c("Ayşe Kaya", F, "ayse.kaya@example.com", "Assistant Professor", "Istanbul Technical University",
           OrgType.ACADEMIA, "PhD in Environmental Engineering", "8 years of research on circular economy",
           English.FLUENT),
    ],
    "VN": [
        _c("Trần Văn Hùng", M, "tran.van.hung@example.com", "Deputy Director",
           "Vietnam National Productivity Institute", OrgType.NPO,
           "Master of Business Administration, Foreign Trade University", "14 years in productivity programs"),
        _c("Lê Thị Thu Hà", F, "le.thu.ha@example.com", "Expert", "Ministry of Science and Technology, Vietnam",
           OrgType.GOVERNMENT, "Master of Economics, Vietnam National University",
           "8 years in science and technology policy", English.INTERMEDIATE),
        _c("Phạm Quốc Bảo", M, "pham.quoc.bao@example.com", "Production Manager", "Saigon Precision Mechanics JSC",
           OrgType.PRIVATE, "B.Eng. in Mechanical Engineering, Ho Chi Minh City University of Technology",
           "10 years in machining and assembly", English.INTERMEDIATE),
    ],
}
# fmt: on

# Why candidates say they want to come; `{focus}` is the project's subject, `{organization}` theirs.
EXPECTATIONS = [
    "Learn {focus} from the resource persons and from peers in other member economies, and apply it at {organization}.",
    "Bring back practical tools for {focus} and train my colleagues at {organization}.",
    "Prepare an action plan on {focus} for {organization} and share the results with our NPO.",
]


# --------------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoSession:
    day: int  # 0: the project's first day
    start: str  # "13:00", in the project's time zone
    end: str
    title: str
    topics: tuple[str, ...] = ()
    resource_persons: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoProject:
    code: str
    title: str
    project_type: str
    modality: str
    scope: str = Scope.MULTICOUNTRY
    start_date: datetime.date
    end_date: datetime.date
    closing_date: datetime.date
    time_zone: str
    venue: str  # "" for online
    hosting_economy: str
    implementing_organizations: str
    participating_economies: tuple[str, ...] | None = None  # None: all member economies
    overseas_participants: int
    local_participants: int
    per_economy_limit: int | None = None
    qualifications: str
    objectives: str
    background: str
    status: str
    cancel_reason: str = ""
    sessions: tuple[DemoSession, ...] = ()
    focus: str  # the subject, in candidates' expectations
    nominating: tuple[str, ...] = ()  # economies that nominated, in this order
    selected_participants: tuple[str, ...] = ()  # demo participant e-mails selected for this project
    # Current projects' dates follow `today`, so their code's year may change from one run to the next;
    # they are then found by the rest of the code and their title.
    relative: bool = False


RP_KELLER = "Prof. Martin Keller, public administration researcher, Germany"
RP_OCONNELL = "Dr. Sarah O'Connell, public-sector performance management consultant, Australia"
RP_GUNAWARDENA = "Dr. Chandima Gunawardena, public-sector productivity specialist, Sri Lanka"
RP_DUBOIS = "Dr. Claire Dubois, public management expert, France (virtual)"
RP_MOREAU = "Mr. Laurent Moreau, performance information systems specialist, France (virtual)"
RP_VERMA = "Dr. Anil Verma, leadership and human resource development expert, India (virtual)"

# 1. The two real projects of /work/shared/seeds, as their documents give them.
PUBLIC_SECTOR_2022 = DemoProject(
    code="22-CP-41-GE-DLN-A",
    title="Productivity of the Public Sector",
    project_type=Type.WORKSHOP,
    modality=Modality.DIGITAL,
    scope=Scope.MULTICOUNTRY,
    start_date=datetime.date(2022, 8, 24),
    end_date=datetime.date(2022, 8, 26),
    closing_date=datetime.date(2022, 8, 3),
    time_zone="Asia/Colombo",
    venue="",
    hosting_economy="LK",
    implementing_organizations="National Productivity Secretariat, Sri Lanka and APO Secretariat",
    participating_economies=None,
    overseas_participants=38,
    local_participants=12,
    qualifications=(
        "Policymakers and government officials, representatives of local government units and government "
        "enterprises, staff of public organizations, and academics working on performance management and "
        "quality management systems in the public sector"
    ),
    objectives=(
        "a. Examine existing performance management systems and public-sector productivity in APO members.\n"
        "b. Explore recent advances in frameworks and tools for performance management systems in the public "
        "sector in the postpandemic era.\n"
        "c. Formulate strategic plans for promoting advanced performance management systems in the public "
        "sector to make it more future ready."
    ),
    background=(
        "Performance management systems are tools to measure, control, and improve operations to achieve "
        "strategic goals. In the public sector, they are applied to set standards for improving the performance, "
        "productivity, and quality of public service delivery.\n\n"
        "Performance management has gained momentum in the public sector as a strategic approach to the "
        "management of public resources for efficient, effective performance. A report by the European Public "
        "Administration Network (Public-sector Leadership During the COVID-19 Crisis, 2021) stated that the "
        "public-sector workforce is required to work in new ways and contexts that include using new technology "
        "and tools and following new procedures and protocols governing remote work.\n\n"
        "This calls for reexamination of existing performance management systems in the public sector. One "
        "crucial area is measurement to quantify improvements in behavior, motivation, and processes in an "
        "evolving, postpandemic environment. This workshop will explore new frameworks, tools, and recent "
        "advances in performance management systems to enhance the quality of the public-sector workforce "
        "and formulate strategic plans for promoting their adoption."
    ),
    status=Status.COMPLETED,
    sessions=(
        DemoSession(
            day=0,
            start="13:00",
            end="16:00",
            title="Day 1: Performance management systems and digital transformation",
            topics=(
                "Definition and evolution of performance management systems in the public sector",
                "Linking digital transformation and performance management systems in the public sector",
            ),
            resource_persons=(RP_KELLER, RP_GUNAWARDENA),
        ),
        DemoSession(
            day=1,
            start="13:00",
            end="16:00",
            title="Day 2: Performance management, productivity and the pandemic",
            topics=(
                "Performance management systems and productivity in the public sector",
                "Challenges in performance management systems during and after the pandemic",
            ),
            resource_persons=(RP_OCONNELL, RP_GUNAWARDENA),
        ),
        DemoSession(
            day=2,
            start="13:00",
            end="16:00",
            title="Day 3: Strategic plans for advanced performance management systems",
            topics=(
                "Formulating strategic plans for advancing the adoption of performance management systems in "
                "the public sector",
            ),
            resource_persons=(RP_KELLER, RP_OCONNELL),
        ),
    ),
    focus="performance management in the public sector",
    nominating=("VN", "LK", "IR", "BD", "ID", "IN", "PH", "MY", "NP", "PK", "TH", "MN", "FJ", "KH"),
    selected_participants=(
        "participant@example.org",
        "participant2@example.org",
        "participant7@example.org",
        "participant10@example.org",
    ),
)

HIGH_PERFORMANCE_2023 = DemoProject(
    code="23-IS-23-GE-TES-A",
    title="High-performance Culture in the Public Sector",
    project_type=Type.TES,
    modality=Modality.FACE_TO_FACE,
    scope=Scope.INDIVIDUAL_COUNTRY,
    start_date=datetime.date(2023, 5, 16),
    end_date=datetime.date(2023, 5, 19),
    closing_date=datetime.date(2023, 4, 28),
    time_zone="Asia/Jakarta",
    venue="Jakarta",
    hosting_economy="ID",
    implementing_organizations="National Civil Service Agency, Indonesia",
    participating_economies=("ID",),
    overseas_participants=0,
    local_participants=200,
    qualifications=(
        "Officials of the Indonesian government and delegates from ASEAN member states and the ASEAN "
        "Secretariat working on performance management, human resources, and organizational development "
        "in the public sector"
    ),
    objectives=(
        "a. Create awareness of a high-performance culture in the public sector.\n"
        "b. Address challenges in fostering a high-performance culture, such as resistance to change, lack of "
        "leadership support, poor communication, and lack of accountability.\n"
        "c. Equip public-sector organizations to incorporate a high-performance culture in their operations."
    ),
    background=(
        "A “high-performance culture” refers to a work environment that values and encourages innovation, "
        "excellence, and continuous improvement and where employees are empowered to perform at their best by "
        "holding them accountable for the results. This is increasingly seen as a key determinant of "
        "organizational adaptability, productivity, and competitive advantage in today’s dynamic environment.\n\n"
        "Public-sector organizations face unique challenges including meeting increasing expectations of service "
        "quality and aligning their services with public demand. The adoption of a high-performance culture "
        "within these organizations can lead to enhanced operational efficiency and effectiveness. However, "
        "factors such as resistance to change, lack of leadership support, poor communication, and lack of "
        "accountability may hinder its successful implementation."
    ),
    status=Status.COMPLETED,
    # The resource persons joined from France and India: afternoon sessions in Jakarta are morning in Paris.
    sessions=(
        DemoSession(
            day=0,
            start="13:00",
            end="16:30",
            title="Performance management systems",
            topics=(
                "Designing performance management systems for public-sector organizations",
                "Linking individual, unit, and organizational performance",
            ),
            resource_persons=(RP_DUBOIS,),
        ),
        DemoSession(
            day=1,
            start="13:00",
            end="16:30",
            title="Performance information systems",
            topics=(
                "Indicators and data for public-sector performance",
                "Using performance information in management decisions",
            ),
            resource_persons=(RP_MOREAU,),
        ),
        DemoSession(
            day=2,
            start="13:00",
            end="16:30",
            title="Organizational value and leadership",
            topics=(
                "Defining and living organizational values",
                "Leadership that holds people accountable for results",
            ),
            resource_persons=(RP_VERMA,),
        ),
        DemoSession(
            day=3,
            start="13:00",
            end="16:30",
            title="Innovation in performance management",
            topics=("Innovation in performance management", "Action plans for adopting a high-performance culture"),
            resource_persons=(RP_DUBOIS, RP_MOREAU, RP_VERMA),
        ),
    ),
    focus="building a high-performance culture",
    nominating=("ID",),
    selected_participants=("participant3@example.org",),
)

# 2. Completed projects of past years.
PAST_PROJECTS = [
    PUBLIC_SECTOR_2022,
    HIGH_PERFORMANCE_2023,
    DemoProject(
        code="22-IS-45-GE-DLN-B",
        title="Digital Government Service Design",
        project_type=Type.WORKSHOP,
        modality=Modality.DIGITAL,
        scope=Scope.INDIVIDUAL_COUNTRY,
        start_date=datetime.date(2022, 11, 15),
        end_date=datetime.date(2022, 11, 17),
        closing_date=datetime.date(2022, 10, 28),
        time_zone="Asia/Dhaka",
        venue="",
        hosting_economy="BD",
        implementing_organizations="National Productivity Organisation, Bangladesh",
        participating_economies=("BD",),
        overseas_participants=0,
        local_participants=40,
        qualifications=(
            "Government officials responsible for designing or delivering public services, digitally or in person"
        ),
        objectives=(
            "a. Introduce service design methods for public services.\n"
            "b. Map citizens' journeys through selected services and identify waste and delays.\n"
            "c. Prototype simpler digital services and plan their roll-out."
        ),
        background=(
            "Citizens expect public services to be as simple as the best private ones. Service design puts their "
            "needs first and removes steps that add no value. This individual-country workshop applies it to "
            "services that ministries and district offices in Bangladesh are bringing online."
        ),
        status=Status.COMPLETED,
        sessions=(
            DemoSession(
                day=0,
                start="10:00",
                end="13:00",
                title="Service design for the public sector",
                topics=("Principles of service design", "Citizen journey mapping"),
                resource_persons=("Ms. Hanna Lindqvist, service design consultant, Sweden",),
            ),
            DemoSession(
                day=1,
                start="10:00",
                end="13:00",
                title="Finding waste in public services",
                topics=("Lean thinking for administrative processes", "Measuring time to serve"),
                resource_persons=("Ms. Hanna Lindqvist, service design consultant, Sweden",),
            ),
            DemoSession(
                day=2,
                start="10:00",
                end="13:00",
                title="Prototyping and roll-out",
                topics=("Rapid prototyping of digital services", "Action plans by ministry"),
                resource_persons=(
                    "Ms. Hanna Lindqvist, service design consultant, Sweden",
                    "Dr. Rafiqul Islam, e-government specialist, Bangladesh",
                ),
            ),
        ),
        focus="service design for digital government",
        nominating=("BD",),
        selected_participants=("participant10@example.org",),
    ),
    DemoProject(
        code="24-CP-02-GE-ELC-A",
        title="e-Learning Course on Lean Six Sigma",
        project_type=Type.E_LEARNING,
        modality=Modality.DIGITAL,
        start_date=datetime.date(2024, 3, 4),
        end_date=datetime.date(2024, 3, 29),
        closing_date=datetime.date(2024, 2, 16),
        time_zone="Asia/Tokyo",
        venue="",
        hosting_economy="JP",
        implementing_organizations="APO Secretariat",
        overseas_participants=80,
        local_participants=20,
        qualifications=(
            "Managers, engineers, and consultants in manufacturing and service organizations, and NPO staff who "
            "lead process improvement projects"
        ),
        objectives=(
            "a. Explain the principles of Lean and Six Sigma and how they complement each other.\n"
            "b. Apply the DMAIC cycle and its main tools to a real process.\n"
            "c. Complete a small improvement project in the participant's own organization."
        ),
        background=(
            "Lean removes waste from processes; Six Sigma reduces their variation. Together they give "
            "organizations a structured way to improve quality and productivity. This self-paced course has four "
            "modules, each closed by a live session with the resource persons, and ends with the presentation of "
            "participants' own improvement projects."
        ),
        status=Status.COMPLETED,
        sessions=(
            DemoSession(
                day=0,
                start="15:00",
                end="16:30",
                title="Week 1 live session: Lean principles and DMAIC",
                topics=("The five principles of Lean", "Define: project charters and voice of the customer"),
                resource_persons=("Mr. David Chen, Lean Six Sigma Master Black Belt, Singapore",),
            ),
            DemoSession(
                day=7,
                start="15:00",
                end="16:30",
                title="Week 2 live session: Measure and Analyze",
                topics=("Process capability", "Root cause analysis"),
                resource_persons=("Mr. David Chen, Lean Six Sigma Master Black Belt, Singapore",),
            ),
            DemoSession(
                day=14,
                start="15:00",
                end="16:30",
                title="Week 3 live session: Improve and Control",
                topics=("Designing and piloting solutions", "Control plans and standard work"),
                resource_persons=("Dr. Mika Ishikawa, quality management expert, Japan",),
            ),
            DemoSession(
                day=21,
                start="15:00",
                end="16:30",
                title="Week 4 live session: Capstone presentations",
                topics=("Participants' improvement projects",),
                resource_persons=(
                    "Mr. David Chen, Lean Six Sigma Master Black Belt, Singapore",
                    "Dr. Mika Ishikawa, quality management expert, Japan",
                ),
            ),
        ),
        focus="Lean Six Sigma",
        nominating=("VN", "JP", "TH", "IN", "LK", "PH", "MY", "ID", "TR", "KR"),
        selected_participants=("participant@example.org", "participant6@example.org", "participant4@example.org"),
    ),
    DemoProject(
        code="24-AG-18-GE-OSM-A",
        title="Study Mission on Green Productivity in the Republic of China",
        project_type=Type.STUDY_MISSION,
        modality=Modality.FACE_TO_FACE,
        start_date=datetime.date(2024, 10, 14),
        end_date=datetime.date(2024, 10, 18),
        closing_date=datetime.date(2024, 9, 6),
        time_zone="Asia/Taipei",
        venue="Taipei and Taichung",
        hosting_economy="TW",
        implementing_organizations="China Productivity Center and APO Secretariat",
        participating_economies=(
            "BD",
            "KH",
            "FJ",
            "HK",
            "IN",
            "ID",
            "IR",
            "JP",
            "KR",
            "LA",
            "MY",
            "MN",
            "NP",
            "PK",
            "PH",
            "SG",
            "LK",
            "TH",
            "TR",
            "VN",
        ),
        overseas_participants=20,
        local_participants=0,
        per_economy_limit=2,
        qualifications=(
            "Senior managers of enterprises and government officials responsible for environmental or "
            "productivity programs, and NPO consultants working on green productivity"
        ),
        objectives=(
            "a. Observe green productivity practices in manufacturing, agriculture, and industrial parks.\n"
            "b. Learn how public policy and incentives support the green transition of enterprises.\n"
            "c. Develop action plans to adapt these practices in participants' economies."
        ),
        background=(
            "Green productivity combines productivity improvement with environmental protection. Enterprises in the "
            "Republic of China have cut energy use and waste while remaining competitive, supported by public "
            "programs for eco-industrial parks and circular supply chains. This study mission visits some of them."
        ),
        status=Status.COMPLETED,
        sessions=(
            DemoSession(
                day=0,
                start="09:00",
                end="12:00",
                title="Briefing: green productivity policy",
                topics=("Green productivity policy and incentives", "Role of the China Productivity Center"),
                resource_persons=("Dr. Wu Chia-Hsin, China Productivity Center, Republic of China",),
            ),
            DemoSession(
                day=0,
                start="14:00",
                end="17:00",
                title="Visit: eco-industrial park",
                topics=("Industrial symbiosis and shared utilities",),
            ),
            DemoSession(
                day=1,
                start="09:00",
                end="16:00",
                title="Visit: circular economy in electronics manufacturing",
                topics=("Design for recycling", "Energy management systems"),
            ),
            DemoSession(
                day=2,
                start="09:00",
                end="16:00",
                title="Visit: green factories in Taichung",
                topics=("Machine tool industry cluster", "Waste heat recovery"),
            ),
            DemoSession(
                day=3,
                start="09:00",
                end="15:00",
                title="Visit: smart and green agriculture cooperative",
                topics=("Precision irrigation", "Traceability of farm produce"),
            ),
            DemoSession(
                day=4,
                start="09:00",
                end="12:00",
                title="Wrap-up and action plans",
                topics=("Lessons learned", "Presentation of action plans"),
                resource_persons=("Dr. Wu Chia-Hsin, China Productivity Center, Republic of China",),
            ),
        ),
        focus="green productivity",
        nominating=("VN", "TH", "IR", "IN", "ID", "PH", "LK", "MY", "MN", "NP", "BD", "PK"),
        selected_participants=("participant@example.org", "participant4@example.org", "participant7@example.org"),
    ),
    DemoProject(
        code="25-CP-33-GE-TRC-B",
        title="Training of Trainers on Productivity Tools for SMEs",
        project_type=Type.TRAINING_COURSE,
        modality=Modality.HYBRID,
        start_date=datetime.date(2025, 7, 7),
        end_date=datetime.date(2025, 7, 11),
        closing_date=datetime.date(2025, 6, 6),
        time_zone="Asia/Kolkata",
        venue="New Delhi",
        hosting_economy="IN",
        implementing_organizations="National Productivity Council, India and APO Secretariat",
        overseas_participants=20,
        local_participants=10,
        per_economy_limit=2,
        qualifications=(
            "NPO consultants and trainers, and staff of SME support agencies who train enterprises in "
            "productivity tools"
        ),
        objectives=(
            "a. Master basic productivity tools for SMEs: 5S, kaizen, waste elimination, and productivity "
            "measurement.\n"
            "b. Strengthen facilitation and training skills.\n"
            "c. Build a pool of trainers who can deliver APO programs for SMEs in their economies."
        ),
        background=(
            "SMEs make up most enterprises in APO members but lag in productivity. Each NPO needs trainers who can "
            "teach simple, proven tools to SME owners and workers. Overseas participants join in New Delhi; local "
            "trainers from India's regional offices join online."
        ),
        status=Status.COMPLETED,
        sessions=(
            DemoSession(
                day=0,
                start="10:00",
                end="17:00",
                title="5S and kaizen for SMEs",
                topics=("5S implementation", "Kaizen events"),
                resource_persons=("Mr. Vikram Desai, productivity consultant, India",),
            ),
            DemoSession(
                day=1,
                start="10:00",
                end="17:00",
                title="Lean and waste elimination",
                topics=("The seven wastes", "Value stream mapping for small firms"),
                resource_persons=("Ms. Noriko Hayashi, lean consultant, Japan",),
            ),
            DemoSession(
                day=2,
                start="10:00",
                end="17:00",
                title="Measuring productivity in SMEs",
                topics=("Labor and total factor productivity", "Simple dashboards"),
                resource_persons=("Mr. Vikram Desai, productivity consultant, India",),
            ),
            DemoSession(
                day=3,
                start="10:00",
                end="17:00",
                title="Facilitation and training skills",
                topics=("Adult learning", "Designing practical exercises"),
                resource_persons=("Ms. Noriko Hayashi, lean consultant, Japan",),
            ),
            DemoSession(
                day=4,
                start="10:00",
                end="15:00",
                title="Teach-back presentations",
                topics=("Participants deliver a training module",),
                resource_persons=(
                    "Mr. Vikram Desai, productivity consultant, India",
                    "Ms. Noriko Hayashi, lean consultant, Japan",
                ),
            ),
        ),
        focus="productivity tools for SMEs",
        nominating=("IN", "LK", "KR", "BD", "NP", "PK", "ID", "PH", "VN", "TH", "MY", "FJ"),
        selected_participants=("participant5@example.org", "participant2@example.org", "participant9@example.org"),
    ),
]


def _yy(date: datetime.date) -> str:
    return f"{date.year % 100:02d}"


def current_projects(today: datetime.date) -> list[DemoProject]:
    """Projects whose dates follow `today`, so that the demo always has nominations open and closing soon."""

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    projects = []

    # Nominations close in 2 days. `today` is the Secretariat's (Tokyo) day and Seoul keeps Tokyo's time, so the
    # end of the day after tomorrow is always within three days of now, whatever the hour: the red badge.
    start = day(30)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-CP-07-GE-TRC-A",
            title="Smart Manufacturing for SMEs",
            project_type=Type.TRAINING_COURSE,
            modality=Modality.FACE_TO_FACE,
            start_date=start,
            end_date=day(34),
            closing_date=day(2),
            time_zone="Asia/Seoul",
            venue="Seoul",
            hosting_economy="KR",
            implementing_organizations="Korea Productivity Center and APO Secretariat",
            overseas_participants=24,
            local_participants=6,
            per_economy_limit=2,
            qualifications=(
                "Owners and managers of manufacturing SMEs, engineers responsible for automation, and NPO consultants "
                "advising SMEs on digitalization"
            ),
            objectives=(
                "a. Assess the smart manufacturing readiness of SMEs.\n"
                "b. Learn affordable technologies for data collection, automation, and analytics on the shop floor.\n"
                "c. Prepare roadmaps for smart manufacturing in participants' enterprises or client SMEs."
            ),
            background=(
                "Smart manufacturing uses connected machines, data, and automation to raise productivity and quality. "
                "Large firms lead its adoption, while SMEs are held back by cost, skills, and uncertainty about where "
                "to start. The Republic of Korea has supported thousands of SMEs in building smart factories; this "
                "course shares that experience and visits SMEs that have done it."
            ),
            status=Status.PUBLISHED,
            sessions=(
                DemoSession(
                    day=0,
                    start="09:00",
                    end="12:30",
                    title="Industry 4.0 and smart manufacturing for SMEs",
                    topics=("Opening", "What smart manufacturing means for a small factory"),
                    resource_persons=("Dr. Kang Min-jae, smart manufacturing expert, Republic of Korea",),
                ),
                DemoSession(
                    day=0,
                    start="14:00",
                    end="17:00",
                    title="Smart manufacturing readiness assessment",
                    topics=("Readiness assessment tools", "Case: assessing a metal-parts SME"),
                    resource_persons=("Dr. Kang Min-jae, smart manufacturing expert, Republic of Korea",),
                ),
                DemoSession(
                    day=1,
                    start="09:00",
                    end="12:30",
                    title="IoT and data collection on the shop floor",
                    topics=("Low-cost sensors", "Manufacturing execution systems"),
                    resource_persons=("Ms. Anna Fischer, industrial IoT consultant, Germany",),
                ),
                DemoSession(
                    day=1,
                    start="14:00",
                    end="17:00",
                    title="Low-cost automation and collaborative robots",
                    topics=("Choosing what to automate", "Collaborative robots in small batches"),
                    resource_persons=("Ms. Anna Fischer, industrial IoT consultant, Germany",),
                ),
                DemoSession(
                    day=2,
                    start="08:30",
                    end="16:30",
                    title="Site visit: smart factories of SMEs in Gyeonggi Province",
                    topics=("Smart factory of an auto-parts SME", "Government smart factory support center"),
                ),
                DemoSession(
                    day=3,
                    start="09:00",
                    end="12:30",
                    title="Digital twins and production analytics",
                    topics=("Production dashboards", "Predictive maintenance"),
                    resource_persons=("Dr. Kang Min-jae, smart manufacturing expert, Republic of Korea",),
                ),
                DemoSession(
                    day=3,
                    start="14:00",
                    end="17:00",
                    title="Financing and policy support for SME digitalization",
                    topics=("Public support programs", "Building the business case"),
                ),
                DemoSession(
                    day=4,
                    start="09:00",
                    end="12:00",
                    title="Action plans and closing",
                    topics=("Presentation of smart manufacturing roadmaps", "Closing"),
                ),
            ),
            focus="smart manufacturing",
            nominating=("LK", "ID", "PH", "IN", "VN", "TH", "MY", "BD", "PK", "IR", "KH", "MN"),
            relative=True,
        )
    )

    # Nominations close in 5 days: always within the week, never within three days.
    start = day(21)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-AG-12-GE-DLN-A",
            title="Digital Transformation of Agrifood Value Chains",
            project_type=Type.WORKSHOP,
            modality=Modality.DIGITAL,
            start_date=start,
            end_date=day(23),
            closing_date=day(5),
            time_zone="Asia/Bangkok",
            venue="",
            hosting_economy="TH",
            implementing_organizations="Thailand Productivity Institute and APO Secretariat",
            overseas_participants=40,
            local_participants=10,
            qualifications=(
                "Officials of agriculture and food ministries, managers of agribusinesses and cooperatives, and "
                "NPO consultants working on agrifood value chains"
            ),
            objectives=(
                "a. Review digital technologies along agrifood value chains, from farm to consumer.\n"
                "b. Share cases of traceability, e-commerce, and digital platforms for smallholders.\n"
                "c. Formulate strategies for digitalizing agrifood value chains in member economies."
            ),
            background=(
                "Smallholders and small agrifood enterprises lose value to poor information, post-harvest losses, and "
                "long chains of intermediaries. Digital tools, from farm management apps to traceability and online "
                "markets, can raise their productivity and incomes if they are affordable and widely adopted."
            ),
            status=Status.PUBLISHED,
            sessions=(
                DemoSession(
                    day=0,
                    start="14:00",
                    end="17:00",
                    title="Digital technologies along agrifood value chains",
                    topics=("Precision agriculture and farm management apps", "Post-harvest and logistics"),
                    resource_persons=(
                        "Dr. Somsak Boonyarat, agricultural economist, Thailand",
                        "Dr. Elena Rossi, agrifood digitalization expert, Italy",
                    ),
                ),
                DemoSession(
                    day=1,
                    start="14:00",
                    end="17:00",
                    title="Traceability, e-commerce and digital platforms",
                    topics=("Traceability systems", "Digital platforms for smallholders"),
                    resource_persons=("Dr. Elena Rossi, agrifood digitalization expert, Italy",),
                ),
                DemoSession(
                    day=2,
                    start="14:00",
                    end="17:00",
                    title="Strategies for digitalizing agrifood value chains",
                    topics=("Group work by economy", "Presentation of strategies"),
                    resource_persons=("Dr. Somsak Boonyarat, agricultural economist, Thailand",),
                ),
            ),
            focus="digital tools for agrifood value chains",
            nominating=("LK", "ID", "PH", "IN", "VN", "NP", "FJ", "LA"),
            relative=True,
        )
    )

    start = day(45)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-RP-03-GE-CON-A",
            title="Green Productivity and Circular Economy",
            project_type=Type.CONFERENCE,
            modality=Modality.HYBRID,
            start_date=start,
            end_date=day(46),
            closing_date=day(13),
            time_zone="Asia/Kuala_Lumpur",
            venue="Kuala Lumpur",
            hosting_economy="MY",
            implementing_organizations="Malaysia Productivity Corporation and APO Secretariat",
            overseas_participants=60,
            local_participants=40,
            qualifications=(
                "Policymakers, business leaders, researchers, and NPO staff working on green productivity, resource "
                "efficiency, and the circular economy"
            ),
            objectives=(
                "a. Share policies and business models that make production circular.\n"
                "b. Discuss the role of NPOs in the green transition of enterprises.\n"
                "c. Agree on priorities for APO cooperation on green productivity."
            ),
            background=(
                "A circular economy keeps materials in use and designs waste out of production. It is a source of "
                "productivity as well as of environmental gains. This conference brings together those who make "
                "policy and those who run circular businesses; overseas delegates may attend in Kuala Lumpur or online."
            ),
            status=Status.PUBLISHED,
            sessions=(
                DemoSession(
                    day=0,
                    start="09:30",
                    end="12:00",
                    title="Opening plenary: green productivity for a circular economy",
                    topics=("Keynote address", "The APO's green productivity agenda"),
                    resource_persons=("Prof. Lars Nilsson, circular economy researcher, Sweden",),
                ),
                DemoSession(
                    day=0,
                    start="13:30",
                    end="17:00",
                    title="Panel: circular business models in manufacturing",
                    topics=("Remanufacturing", "Product as a service"),
                    resource_persons=("Dr. Aisha Rahman, sustainable manufacturing expert, Malaysia",),
                ),
                DemoSession(
                    day=1,
                    start="09:30",
                    end="12:00",
                    title="Panel: resource efficiency and producer responsibility",
                    topics=("Extended producer responsibility", "Measuring resource productivity"),
                    resource_persons=("Prof. Lars Nilsson, circular economy researcher, Sweden",),
                ),
                DemoSession(
                    day=1,
                    start="13:30",
                    end="16:00",
                    title="Closing: priorities for APO cooperation",
                    topics=("Roadmap for green productivity in APO members", "Closing remarks"),
                ),
            ),
            focus="green productivity and the circular economy",
            nominating=("LK", "IN", "ID", "PH", "JP", "TW", "TR"),
            relative=True,
        )
    )

    # Closes in 40 days and has no program yet: the notification promises it two weeks before the sessions.
    start = day(75)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-CP-15-GE-OSM-A",
            title="Study Mission on Industry 4.0 in Japan",
            project_type=Type.STUDY_MISSION,
            modality=Modality.FACE_TO_FACE,
            start_date=start,
            end_date=day(79),
            closing_date=day(40),
            time_zone="Asia/Tokyo",
            venue="Tokyo and Nagoya",
            hosting_economy="JP",
            implementing_organizations="Japan Productivity Center and APO Secretariat",
            participating_economies=(
                "BD",
                "KH",
                "TW",
                "FJ",
                "HK",
                "IN",
                "ID",
                "IR",
                "KR",
                "LA",
                "MY",
                "MN",
                "NP",
                "PK",
                "PH",
                "SG",
                "LK",
                "TH",
                "TR",
                "VN",
            ),
            overseas_participants=20,
            local_participants=0,
            per_economy_limit=2,
            qualifications=(
                "Senior executives and managers of manufacturing enterprises, and senior officials responsible for "
                "industrial policy"
            ),
            objectives=(
                "a. Observe how Japanese manufacturers combine Industry 4.0 technologies with monozukuri practices.\n"
                "b. Learn how industry and government support the digital transformation of supply chains.\n"
                "c. Identify practices that participants' organizations can adopt."
            ),
            background=(
                "Japanese manufacturers have applied digital technologies to the production systems for which they are "
                "known, from connected machine tools to data-driven kaizen. This study mission visits factories and "
                "research centers in Tokyo and the Chubu region."
            ),
            status=Status.PUBLISHED,
            focus="Industry 4.0 in manufacturing",
            nominating=("LK", "PH", "IN", "MY"),
            relative=True,
        )
    )

    # Nominations closed three days ago: waiting for the Secretariat to select.
    start = day(18)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-CP-21-GE-WSP-B",
            title="AI Adoption for Productivity in Service Industries",
            project_type=Type.WORKSHOP,
            modality=Modality.HYBRID,
            start_date=start,
            end_date=day(20),
            closing_date=day(-3),
            time_zone="Asia/Taipei",
            venue="Taipei",
            hosting_economy="TW",
            implementing_organizations="China Productivity Center and APO Secretariat",
            overseas_participants=30,
            local_participants=10,
            qualifications=(
                "Managers of service enterprises, officials promoting the service sector, and NPO consultants "
                "advising on digital transformation"
            ),
            objectives=(
                "a. Review applications of artificial intelligence in retail, logistics, tourism, and finance.\n"
                "b. Discuss the skills, data, and governance that AI adoption requires.\n"
                "c. Draft adoption plans for participants' organizations."
            ),
            background=(
                "Services account for most employment in APO members, and their productivity grows more slowly than "
                "that of manufacturing. Artificial intelligence can automate routine work and improve decisions, but "
                "enterprises need to know where it pays off and how to adopt it responsibly."
            ),
            status=Status.PUBLISHED,
            sessions=(
                DemoSession(
                    day=0,
                    start="09:00",
                    end="12:00",
                    title="AI in service industries: where it pays off",
                    topics=("Use cases in retail, logistics and tourism", "Measuring the productivity gains"),
                    resource_persons=("Dr. Hsu Li-Chun, AI and services researcher, Republic of China",),
                ),
                DemoSession(
                    day=1,
                    start="09:00",
                    end="12:00",
                    title="Data, skills and governance",
                    topics=("Data readiness", "Responsible AI"),
                    resource_persons=("Ms. Priyanka Rao, data governance consultant, Singapore",),
                ),
                DemoSession(
                    day=2,
                    start="09:00",
                    end="12:00",
                    title="AI adoption plans",
                    topics=("Group work", "Presentation of adoption plans"),
                    resource_persons=("Dr. Hsu Li-Chun, AI and services researcher, Republic of China",),
                ),
            ),
            focus="AI adoption in services",
            nominating=("LK", "ID", "PH", "IN", "VN", "MY", "SG", "HK", "TH", "KR"),
            relative=True,
        )
    )

    # Nominations closed and participants selected; it starts in four days.
    start = day(4)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-IS-08-GE-TRC-A",
            title="Lean Management in Healthcare",
            project_type=Type.TRAINING_COURSE,
            modality=Modality.FACE_TO_FACE,
            start_date=start,
            end_date=day(8),
            closing_date=day(-20),
            time_zone="Asia/Manila",
            venue="Manila",
            hosting_economy="PH",
            implementing_organizations="Development Academy of the Philippines and APO Secretariat",
            participating_economies=(
                "BD",
                "KH",
                "FJ",
                "IN",
                "ID",
                "LA",
                "MY",
                "MN",
                "NP",
                "PK",
                "PH",
                "LK",
                "TH",
                "VN",
            ),
            overseas_participants=16,
            local_participants=6,
            per_economy_limit=2,
            qualifications=(
                "Hospital administrators, heads of clinical and support departments, and health ministry officials "
                "responsible for service quality"
            ),
            objectives=(
                "a. Apply Lean thinking to patient flows and hospital support services.\n"
                "b. Learn to map value streams and remove waste in healthcare processes.\n"
                "c. Prepare Lean improvement projects for participants' hospitals."
            ),
            background=(
                "Hospitals in the region face rising demand with limited staff and budgets. Lean management, first "
                "developed in manufacturing, has cut waiting times and errors in hospitals around the world. This "
                "course teaches its tools with cases and a visit to a hospital in Metro Manila."
            ),
            status=Status.CLOSED,
            sessions=(
                DemoSession(
                    day=0,
                    start="09:00",
                    end="16:00",
                    title="Lean thinking in healthcare",
                    topics=("Principles of Lean", "Value from the patient's point of view"),
                    resource_persons=("Dr. Emily Watson, Lean healthcare consultant, United Kingdom",),
                ),
                DemoSession(
                    day=1,
                    start="09:00",
                    end="16:00",
                    title="Value stream mapping of patient flows",
                    topics=("Mapping the emergency department", "Finding bottlenecks"),
                    resource_persons=("Dr. Emily Watson, Lean healthcare consultant, United Kingdom",),
                ),
                DemoSession(
                    day=2,
                    start="08:30",
                    end="15:00",
                    title="Site visit: a Lean hospital in Metro Manila",
                    topics=("Outpatient flow redesign", "Visual management on the wards"),
                ),
                DemoSession(
                    day=3,
                    start="09:00",
                    end="16:00",
                    title="Reducing waiting times and waste",
                    topics=("Scheduling and capacity", "5S in pharmacies and stores"),
                    resource_persons=("Dr. Ramon Aquino, hospital quality specialist, Philippines",),
                ),
                DemoSession(
                    day=4,
                    start="09:00",
                    end="12:00",
                    title="Improvement projects and closing",
                    topics=("Presentation of improvement projects", "Closing"),
                ),
            ),
            focus="Lean management in hospitals",
            nominating=("VN", "PH", "ID", "IN", "LK", "TH", "NP", "BD", "KH"),
            selected_participants=("participant@example.org", "participant8@example.org", "participant3@example.org"),
            relative=True,
        )
    )

    start = day(150)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-RP-11-GE-WSP-A",
            title="Productivity Measurement for Policymakers",
            project_type=Type.WORKSHOP,
            modality=Modality.FACE_TO_FACE,
            start_date=start,
            end_date=day(153),
            closing_date=day(100),
            time_zone="Asia/Kathmandu",
            venue="Kathmandu",
            hosting_economy="NP",
            implementing_organizations=(
                "National Productivity and Economic Development Centre, Nepal and APO Secretariat"
            ),
            overseas_participants=20,
            local_participants=5,
            per_economy_limit=1,
            qualifications=(
                "Officials of planning ministries, statistical offices, and NPOs who use productivity statistics"
            ),
            objectives=(
                "a. Understand how labor and total factor productivity are measured.\n"
                "b. Use the APO Productivity Databook in policy analysis."
            ),
            background=(
                "Productivity statistics guide policy only when those who use them understand how they are compiled "
                "and what they can and cannot show. This workshop introduces the measurement of labor and total "
                "factor productivity, and the use of the APO Productivity Databook, to officials who rely on them."
            ),
            status=Status.DRAFT,
            focus="productivity measurement",
            relative=True,
        )
    )

    start = day(35)
    projects.append(
        DemoProject(
            code=f"{_yy(start)}-IS-30-GE-TES-A",
            title="Energy Efficiency in Food-processing SMEs",
            project_type=Type.TES,
            modality=Modality.FACE_TO_FACE,
            scope=Scope.INDIVIDUAL_COUNTRY,
            start_date=start,
            end_date=day(37),
            closing_date=day(10),
            time_zone="Pacific/Fiji",
            venue="Suva",
            hosting_economy="FJ",
            implementing_organizations="National Training and Productivity Centre, Fiji National University",
            participating_economies=("FJ",),
            overseas_participants=0,
            local_participants=30,
            qualifications="Owners, managers, and maintenance engineers of food-processing SMEs in Fiji",
            objectives=("a. Audit energy use in food-processing plants.\nb. Identify low-cost energy-saving measures."),
            background=(
                "Energy is one of the largest costs of food processors in Pacific island economies, which import "
                "most of their fuel. Simple audits and low-cost measures can cut it substantially."
            ),
            status=Status.CANCELLED,
            cancel_reason=(
                "Postponed at the request of the host NPO: the expert's assignment could not be arranged for these "
                "dates. The project will be announced again in the next planning cycle."
            ),
            sessions=(
                DemoSession(
                    day=0,
                    start="09:00",
                    end="16:00",
                    title="Energy audits in food processing",
                    topics=("Where the energy goes", "Audit walk-through"),
                    resource_persons=("Mr. Tomás Herrera, energy efficiency engineer, Spain",),
                ),
                DemoSession(
                    day=1, start="09:00", end="16:00", title="Plant visits", topics=("Audits at two plants in Suva",)
                ),
                DemoSession(
                    day=2,
                    start="09:00",
                    end="13:00",
                    title="Energy-saving action plans",
                    topics=("Low-cost measures", "Action plans by plant"),
                ),
            ),
            focus="energy efficiency",
            nominating=("FJ",),
            relative=True,
        )
    )
    return projects


def demo_projects(today: datetime.date) -> list[DemoProject]:
    return [*PAST_PROJECTS, *current_projects(today)]


# --------------------------------------------------------------------------------------------------
# Nominations
# --------------------------------------------------------------------------------------------------

# Economies whose NPO officer is a demo user: they always have some work in progress on open projects.
OFFICER_ECONOMIES = frozenset(user.economy for user in NPO_OFFICERS)


@dataclasses.dataclass(frozen=True)
class DemoNomination:
    economy: str
    candidate: Candidate
    status: str
    priority_rank: int
    is_overseas: bool
    participant_email: str | None  # the demo participant account of a selected candidate


def _nomination_plan(spec: DemoProject, today: datetime.date) -> list[DemoNomination]:
    """Who each economy nominated for `spec`, and where each nomination stands.

    Decided projects (closed, completed) keep within the overseas, local and per-economy numbers; the demo
    participants listed in `selected_participants` are always among the selected.
    """
    plan = []
    decided = spec.status in (Status.CLOSED, Status.COMPLETED)
    awaiting = spec.status == Status.PUBLISHED and spec.closing_date < today
    early = spec.status == Status.PUBLISHED and (spec.closing_date - today).days > 30
    left = {True: spec.overseas_participants, False: spec.local_participants}
    if spec.per_economy_limit:
        cap = spec.per_economy_limit
    else:
        cap = 2 if spec.scope == Scope.MULTICOUNTRY else None
    for i, code in enumerate(spec.nominating):
        is_overseas = code != spec.hosting_economy
        chosen = [
            PARTICIPANT_BY_EMAIL[email].candidate
            for email in spec.selected_participants
            if PARTICIPANT_BY_EMAIL[email].economy == code
        ]
        forced = {c.email for c in chosen}
        pool = CANDIDATES[code]
        if decided:
            # An individual-country project takes everyone its one economy nominates: a few more of them.
            extra = 3 if spec.scope == Scope.INDIVIDUAL_COUNTRY else 2 + i % 2
            chosen = (chosen + pool[:extra])[:4]
            statuses = []
            selected_here = 0
            for rank, candidate in enumerate(chosen, 1):
                if candidate.email in forced:
                    if left[is_overseas] <= 0:
                        raise ValueError(f"{spec.code}: no room left to select {candidate.email}")
                    status = NominationStatus.SELECTED
                elif i % 5 == 3 and rank == len(chosen):
                    status = NominationStatus.WITHDRAWN
                elif left[is_overseas] > 0 and (cap is None or selected_here < cap):
                    status = NominationStatus.SELECTED
                elif NominationStatus.WAITLISTED not in statuses and i % 2 == 0:
                    status = NominationStatus.WAITLISTED
                else:
                    status = NominationStatus.REJECTED
                if status == NominationStatus.SELECTED:
                    left[is_overseas] -= 1
                    selected_here += 1
                statuses.append(status)
        elif early:
            chosen, statuses = pool[:1], [NominationStatus.DRAFT]
        elif awaiting:
            chosen = pool[: 2 + i % 2]
            statuses = [NominationStatus.SUBMITTED] * len(chosen)
            if i % 4 == 1:
                statuses[-1] = NominationStatus.WITHDRAWN
        elif spec.status == Status.PUBLISHED:  # nominations open
            if code in OFFICER_ECONOMIES:
                chosen = pool[:3]
                statuses = [NominationStatus.SUBMITTED, NominationStatus.SUBMITTED, NominationStatus.DRAFT]
            else:
                chosen = pool[: 1 + i % 2]
                statuses = [NominationStatus.SUBMITTED] * len(chosen)
                if i % 4 == 3:
                    statuses[-1] = NominationStatus.WITHDRAWN
        elif spec.status == Status.CANCELLED:
            chosen = pool[:2]
            statuses = [NominationStatus.SUBMITTED] * len(chosen)
        else:  # a draft project has no nominations
            chosen, statuses = [], []
        for rank, (candidate, status) in enumerate(zip(chosen, statuses, strict=True), 1):
            plan.append(
                DemoNomination(
                    economy=code,
                    candidate=candidate,
                    status=status,
                    priority_rank=rank,
                    is_overseas=is_overseas,
                    participant_email=candidate.email
                    if candidate.email in forced and status == NominationStatus.SELECTED
                    else None,
                )
            )
    return plan


# --------------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------------

# The statuses a demo project passes through, in order, to reach its demo status.
STATUS_PATHS = {
    Status.DRAFT: [Status.DRAFT],
    Status.PUBLISHED: [Status.DRAFT, Status.PUBLISHED],
    Status.CLOSED: [Status.DRAFT, Status.PUBLISHED, Status.CLOSED],
    Status.COMPLETED: [Status.DRAFT, Status.PUBLISHED, Status.CLOSED, Status.COMPLETED],
    Status.CANCELLED: [Status.DRAFT, Status.PUBLISHED, Status.CANCELLED],
}


class _Tally:
    def __init__(self):
        self.created = Counter()
        self.updated = Counter()
        self.total = Counter()
        self.warnings: list[str] = []

    def count(self, kind: str, *, created: bool = False, updated: bool = False):
        self.total[kind] += 1
        if created:
            self.created[kind] += 1
        elif updated:
            self.updated[kind] += 1

    def as_dict(self) -> dict:
        return {
            "users": self.total["users"],
            "projects": self.total["projects"],
            "sessions": self.total["sessions"],
            "nominations": self.total["nominations"],
            "marks": self.total["marks"],
            "certificates": self.total["certificates"],
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "warnings": self.warnings,
        }


def _sync(obj, values: dict) -> list[str]:
    """Set `values` on `obj`; return the names of the fields that changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    return changed


class _Password:
    """The demo password's hash, made once and shared by every demo user.

    Hashing is slow on purpose (PBKDF2 takes ~0.2 s); hashing once per user would make the load take
    seconds, so the users share one salted hash. Fine for demo accounts, which share the password anyway.
    """

    def __init__(self):
        self._encoded = None
        self._checked: dict[str, bool] = {}

    @property
    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def is_demo_password(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _load_users(economies: dict[str, Economy], tally: _Tally) -> dict[str, User]:
    password = _Password()
    users = {}
    existing = {
        user.email: user for user in User.objects.filter(email__in=[normalize_email(u.email) for u in DEMO_USERS])
    }
    for spec in DEMO_USERS:
        economy = economies[spec.economy] if spec.economy else None
        values = {
            "full_name": spec.full_name,
            "role": spec.role,
            "npo_id": economy.npo.pk if spec.role == User.Role.NPO_OFFICER else None,
            "time_zone": spec.time_zone or economy.time_zone,
            "is_staff": spec.is_staff,
            "is_superuser": spec.is_superuser,
            "is_active": True,
        }
        user = existing.get(normalize_email(spec.email))
        if user is None:
            user = User(email=normalize_email(spec.email), password=password.encoded, **values)
            user.save()
            tally.count("users", created=True)
        else:
            changed = _sync(user, values)
            if not password.is_demo_password(user.password):
                user.password = password.encoded
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
            tally.count("users", updated=bool(changed))
        users[spec.email] = user
    return users


def _project_data(spec: DemoProject, economies: dict[str, Economy]) -> dict:
    return {
        "code": spec.code,
        "title": spec.title,
        "project_type": spec.project_type,
        "modality": spec.modality,
        "scope": spec.scope,
        "start_date": spec.start_date,
        "end_date": spec.end_date,
        "time_zone": spec.time_zone,
        "venue": spec.venue,
        "hosting_economy": economies[spec.hosting_economy],
        "implementing_organizations": spec.implementing_organizations,
        "overseas_participants": spec.overseas_participants,
        "local_participants": spec.local_participants,
        "per_economy_limit": spec.per_economy_limit,
        "qualifications": spec.qualifications,
        "objectives": spec.objectives,
        "background": spec.background,
        "nomination_closes_at": end_of_day(spec.closing_date, spec.time_zone),
    }


def _find_project(spec: DemoProject) -> Project | None:
    projects = Project.objects.select_related("hosting_economy")
    project = projects.filter(code=spec.code).first()
    if project is None and spec.relative:
        # Loaded on an earlier day, when the project started in another year: same code but for the year.
        project = projects.filter(code__endswith=spec.code[2:], title=spec.title).order_by("pk").first()
    return project


def _published_at(spec: DemoProject, today: datetime.date) -> datetime.datetime:
    """When the notification went out: about six weeks before the closing date, and never after yesterday."""
    day = min(spec.closing_date - datetime.timedelta(days=45), today - datetime.timedelta(days=1))
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=zoneinfo.ZoneInfo(spec.time_zone))


def _load_project(
    spec: DemoProject, *, actor: User, economies: dict[str, Economy], today: datetime.date, tally: _Tally
) -> Project:
    data = _project_data(spec, economies)
    participating = [economies[code] for code in (spec.participating_economies or sorted(economies))]
    project = _find_project(spec)
    created = project is None
    changed = False
    if created:
        project = project_create(actor=actor, data=data, participating_economies=participating)
    else:
        differs = [field for field, value in data.items() if getattr(project, field) != value]
        current = set(project.participating_economies.values_list("code", flat=True))
        changed = bool(differs) or current != {e.code for e in participating}
        if changed:
            project = project_update(project=project, actor=actor, data=data, participating_economies=participating)

    path = STATUS_PATHS[spec.status]
    if project.status not in path:
        tally.warnings.append(
            f"{project.code} is {project.get_status_display().lower()} and cannot be made "
            f"{Status(spec.status).label.lower()} again; left as it is."
        )
    else:
        for step in path[path.index(project.status) + 1 :]:
            note = spec.cancel_reason if step == Status.CANCELLED else ""
            project = project_transition(project=project, actor=actor, to=step, note=note)
            changed = True
        if project.status != Status.DRAFT:
            # The service stamps the first publication with the present; the demo backdates it to when a
            # real notification would have gone out. A bare update: this is not a change anyone made.
            published_at = _published_at(spec, today)
            if project.published_at != published_at:
                Project.objects.filter(pk=project.pk).update(published_at=published_at)
                project.published_at = published_at
                changed = True
    tally.count("projects", created=created, updated=changed)
    return project


def _load_sessions(project: Project, spec: DemoProject, tally: _Tally) -> None:
    existing = {session.title: session for session in project.sessions.all()}
    zone = zoneinfo.ZoneInfo(spec.time_zone)
    for demo in spec.sessions:
        day = spec.start_date + datetime.timedelta(days=demo.day)
        values = {
            "topics": "\n".join(demo.topics),
            "resource_persons": "\n".join(demo.resource_persons),
            "starts_at": datetime.datetime.combine(day, datetime.time.fromisoformat(demo.start), tzinfo=zone),
            "ends_at": datetime.datetime.combine(day, datetime.time.fromisoformat(demo.end), tzinfo=zone),
        }
        session = existing.get(demo.title)
        if session is None:
            session = Session(project=project, title=demo.title, **values)
            session.full_clean()
            session.save()
            tally.count("sessions", created=True)
        else:
            session.project = project
            changed = _sync(session, values)
            if changed:
                session.full_clean()
                session.save(update_fields=changed)
            tally.count("sessions", updated=bool(changed))


def _submitted_at(spec: DemoProject, today: datetime.date, economy_index: int, rank: int) -> datetime.datetime:
    """A deterministic time a week or more before the closing date and, for projects still open, before
    yesterday began (yesterday, not today: `today` is Tokyo's, and west of Tokyo today may not have begun)."""
    zone = zoneinfo.ZoneInfo(spec.time_zone)
    latest = min(
        end_of_day(spec.closing_date - datetime.timedelta(days=7), spec.time_zone),
        datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=zone),
    )
    return (latest - datetime.timedelta(days=economy_index % 5, hours=3 * rank)).replace(
        minute=(7 * economy_index + 13 * rank) % 60, second=0, microsecond=0
    )


def _load_nominations(project, spec, *, economies, users, today, tally) -> None:
    existing = {nomination.email: nomination for nomination in project.nominations.all()}
    officers = {user.economy: users[user.email] for user in NPO_OFFICERS}
    economy_index = {code: i for i, code in enumerate(spec.nominating)}
    for demo in _nomination_plan(spec, today):
        candidate = demo.candidate
        organization = candidate.organization
        values = {
            "economy_id": economies[demo.economy].pk,
            "full_name": candidate.full_name,
            "gender": candidate.gender,
            "email": normalize_email(candidate.email),
            "designation": candidate.designation,
            "organization": organization,
            "organization_type": candidate.organization_type,
            "education": candidate.education,
            "experience": candidate.experience,
            "english_proficiency": candidate.english_proficiency,
            "expectations": EXPECTATIONS[(demo.priority_rank - 1) % len(EXPECTATIONS)].format(
                focus=spec.focus, organization=organization
            ),
            "is_overseas": demo.is_overseas,
            "priority_rank": demo.priority_rank,
            "status": demo.status,
            # The demo's decided projects were announced: their NPOs were told (PRODUCT.md rule 11).
            "announced_status": demo.status if demo.status in DECISIONS else "",
            "participant_id": users[demo.participant_email].pk if demo.participant_email else None,
            "created_by_id": officers[demo.economy].pk if demo.economy in officers else None,
            "submitted_at": None
            if demo.status == NominationStatus.DRAFT
            else _submitted_at(spec, today, economy_index[demo.economy], demo.priority_rank),
        }
        nomination = existing.get(normalize_email(candidate.email))
        if nomination is None:
            nomination = Nomination(project=project, **values)
            nomination.full_clean()
            nomination.save()
            tally.count("nominations", created=True)
        else:
            changed = _sync(nomination, values)
            if changed:
                nomination.full_clean()
                nomination.save(update_fields=[*changed, "updated_at"])
            tally.count("nominations", updated=bool(changed))


def _load_marks(project, tally: _Tally) -> None:
    """Attendance for the sessions that have ended: mostly present, some late, and in each project the
    last participant missed the last session (so the register shows someone not eligible). Digital
    projects' marks come from a meeting report, with minutes; the others were marked by staff."""
    from attendance.models import Mark

    now = timezone.now()
    sessions = [session for session in project.sessions.all() if session.ends_at < now]
    if not sessions:
        return
    participants = list(
        project.nominations.filter(status=NominationStatus.SELECTED).order_by("economy__name", "full_name", "id")
    )
    existing = {(m.session_id, m.nomination_id): m for m in Mark.objects.filter(session__in=sessions)}
    from_report = project.modality == Project.Modality.DIGITAL
    for i, nomination in enumerate(participants):
        for j, session in enumerate(sessions):
            missed = i == len(participants) - 1 and j == len(sessions) - 1 and len(sessions) > 1
            status = Mark.Status.ABSENT if missed else (Mark.Status.LATE if (i + j) % 7 == 3 else Mark.Status.PRESENT)
            minutes = None
            if from_report:
                minutes = 12 if missed else session.duration_minutes - (9 if status == Mark.Status.LATE else 0)
            values = {
                "status": status,
                "source": Mark.Source.REPORT if from_report else Mark.Source.STAFF,
                "minutes": minutes,
                "set_at": session.ends_at,
            }
            mark = existing.get((session.pk, nomination.pk))
            if mark is None:
                Mark.objects.create(session=session, nomination=nomination, **values)
                tally.count("marks", created=True)
            else:
                changed = _sync(mark, values)
                if changed:
                    mark.save(update_fields=changed)
                tally.count("marks", updated=bool(changed))


def _issue_certificates(project, actor, tally: _Tally) -> None:
    """Certificates for the demo's finished projects, through the real service: their PDFs are rendered
    by the Celery worker that the run command starts (issuing again creates nothing twice)."""
    from certificates.models import Certificate
    from certificates.services import CertificateError, certificates_issue

    try:
        counts = certificates_issue(actor=actor, project=project)
    except CertificateError:
        return  # the project has not ended yet
    for _ in range(counts["issued"]):
        tally.count("certificates", created=True)
    for _ in range(Certificate.objects.filter(project=project).count() - counts["issued"]):
        tally.count("certificates")


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> dict:
    """Load the demo users, projects, programs and nominations; idempotent.

    Returns the number of demo users, projects, sessions and nominations, how many records this run created
    and updated (both 0 on a second run the same day), and warnings about demo projects whose status was
    changed by hand and cannot be restored.

    Side effects: audit entries for each project created, updated or moved to another status (actor: the demo
    Secretariat user). Runs in one transaction: all or nothing.
    """
    today = today or timezone.localdate()
    tally = _Tally()
    economies = {economy.code: economy for economy in Economy.objects.select_related("npo")}
    users = _load_users(economies, tally)
    actor = users[SECRETARIAT_EMAIL]
    loaded = []
    for spec in demo_projects(today):
        project = _load_project(spec, actor=actor, economies=economies, today=today, tally=tally)
        _load_sessions(project, spec, tally)
        _load_nominations(project, spec, economies=economies, users=users, today=today, tally=tally)
        _load_marks(project, tally)
        if project.status == Project.Status.COMPLETED:
            _issue_certificates(project, actor, tally)
        loaded.append(project.pk)
    # The reports' stored figures of every demo project, even when this run changed nothing: a database
    # made before the figures were stored has none yet.
    from reports.services import figures_refresh

    transaction.on_commit(lambda: figures_refresh(loaded))
    return tally.as_dict()
