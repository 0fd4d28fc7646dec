"""The APO's 21 member economies, named as the APO names them, with their NPOs."""

from django.db import migrations

# (ISO code, name as the APO writes it, default time zone, NPO, acronym)
MEMBER_ECONOMIES = [
    ("BD", "Bangladesh", "Asia/Dhaka", "National Productivity Organisation", "NPO Bangladesh"),
    ("KH", "Cambodia", "Asia/Phnom_Penh", "National Productivity Centre of Cambodia", "NPCC"),
    ("TW", "Republic of China", "Asia/Taipei", "China Productivity Center", "CPC"),
    ("FJ", "Fiji", "Pacific/Fiji", "National Training and Productivity Centre, Fiji National University", "NTPC"),
    ("HK", "Hong Kong", "Asia/Hong_Kong", "Hong Kong Productivity Council", "HKPC"),
    ("IN", "India", "Asia/Kolkata", "National Productivity Council", "NPC"),
    ("ID", "Indonesia", "Asia/Jakarta", "Directorate of Productivity Development, Ministry of Manpower", "MOM"),
    ("IR", "Islamic Republic of Iran", "Asia/Tehran", "National Iranian Productivity Organization", "NIPO"),
    ("JP", "Japan", "Asia/Tokyo", "Japan Productivity Center", "JPC"),
    ("KR", "Republic of Korea", "Asia/Seoul", "Korea Productivity Center", "KPC"),
    ("LA", "Lao PDR", "Asia/Vientiane", "Department of Small and Medium Enterprise Promotion", "DOSMEP"),
    ("MY", "Malaysia", "Asia/Kuala_Lumpur", "Malaysia Productivity Corporation", "MPC"),
    ("MN", "Mongolia", "Asia/Ulaanbaatar", "Mongolian Productivity Organization", "MPO"),
    ("NP", "Nepal", "Asia/Kathmandu", "National Productivity and Economic Development Centre", "NPEDC"),
    ("PK", "Pakistan", "Asia/Karachi", "National Productivity Organization", "NPO Pakistan"),
    ("PH", "Philippines", "Asia/Manila", "Development Academy of the Philippines", "DAP"),
    ("SG", "Singapore", "Asia/Singapore", "Enterprise Singapore", "ESG"),
    ("LK", "Sri Lanka", "Asia/Colombo", "National Productivity Secretariat", "NPS"),
    ("TH", "Thailand", "Asia/Bangkok", "Thailand Productivity Institute", "FTPI"),
    ("TR", "Türkiye", "Europe/Istanbul", "General Directorate of Productivity, Ministry of Industry and Technology", "GDP"),
    ("VN", "Vietnam", "Asia/Ho_Chi_Minh", "Vietnam National Productivity Institute", "VNPI"),
]


def load(apps, schema_editor):
    Economy = apps.get_model("accounts", "Economy")
    NPO = apps.get_model("accounts", "NPO")
    for code, name, zone, npo_name, acronym in MEMBER_ECONOMIES:
        economy, _ = Economy.objects.update_or_create(code=code, defaults={"name": name, "time_zone": zone})
        NPO.objects.update_or_create(economy=economy, defaults={"name": npo_name, "acronym": acronym})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
