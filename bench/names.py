"""Word lists for the benchmark data: names, organisations and places of Balochistan.

Invented combinations of common names; any likeness to a real person is chance. The
organisations are the kinds of offices that sit at a provincial dialogue on trafficking.
"""

from __future__ import annotations

# fmt: off
MALE = (
    "Muhammad", "Ahmed", "Ali", "Hassan", "Bilal", "Imran", "Asad", "Zahid", "Naseer",
    "Abdul Wahid", "Gul Khan", "Sardar", "Nawab", "Jamal", "Kamran", "Tariq", "Shahid",
    "Nadeem", "Waseem", "Rashid", "Sohail", "Faisal", "Aslam", "Akbar", "Mir Hazar", "Hayat",
    "Allah Dad", "Abdul Karim", "Abdul Qadir", "Juma Khan", "Abdul Rahim", "Sher Ali",
    "Dost Muhammad", "Habibullah", "Naqeebullah", "Saifullah", "Attaullah", "Qadir Bakhsh",
    "Ghulam Rasool", "Noor Ahmed", "Zarak", "Baryalai", "Wali Muhammad", "Khudai Dad",
    "Shams ud Din", "Hameedullah", "Zubair", "Usman", "Yasir", "Irfan",
)
FEMALE = (
    "Fatima", "Ayesha", "Zainab", "Sana", "Nazia", "Shazia", "Rabia", "Saima", "Mahnoor",
    "Hina", "Farzana", "Shabana", "Gul Bibi", "Mah Jabeen", "Samina", "Nargis", "Sahira",
    "Zarmina", "Palwasha", "Malalai", "Raheela", "Vania", "Sadia", "Uzma", "Kiran", "Humaira",
    "Bibi Hajra", "Shireen", "Naz Bibi", "Rukhsana", "Tahira", "Yasmeen", "Sabira", "Noreen",
)
LAST = (
    "Baloch", "Khan", "Kakar", "Achakzai", "Mengal", "Bugti", "Marri", "Raisani", "Jamali",
    "Magsi", "Rind", "Zehri", "Lehri", "Bizenjo", "Hazara", "Changezi", "Yousafzai", "Tareen",
    "Mandokhail", "Panezai", "Durrani", "Sheikh", "Qureshi", "Siddiqui", "Shah", "Bukhari",
    "Hussain", "Jatoi", "Domki", "Notezai", "Kasi", "Barech", "Langove", "Shahwani",
    "Nausherwani", "Gichki", "Dashti", "Buledi", "Sumalani", "Mohammad Hasni", "Tahir",
)
URDU_NAMES = (
    "محمد علی", "فاطمہ بلوچ", "عبدالرحیم کاکڑ", "زینب ہزارہ", "گل خان اچکزئی", "شازیہ مینگل",
    "نصیر احمد رئیسانی", "رابعہ ترین", "حبیب اللہ مندوخیل", "ثنا جمالی",
)
DISTRICTS = (
    "Quetta", "Pishin", "Killa Abdullah", "Chaman", "Zhob", "Loralai", "Sibi", "Kachhi",
    "Nasirabad", "Jaffarabad", "Jhal Magsi", "Khuzdar", "Kalat", "Mastung", "Nushki",
    "Chagai", "Kharan", "Washuk", "Panjgur", "Kech", "Gwadar", "Lasbela", "Awaran",
    "Dera Bugti", "Kohlu", "Barkhan", "Musakhel", "Harnai", "Ziarat", "Killa Saifullah",
    "Sherani", "Duki", "Sohbatpur", "Hub", "Surab",
)
STATIONS = (
    "Civil Lines", "Satellite Town", "Saddar", "Bijli Road", "Gawalmandi", "Airport Road",
    "Brewery Road", "Sariab", "Kuchlak", "City",
)

# stakeholder group code -> (organisations, designations); {d} is a district, {s} a station.
ORGANISATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "police": (
        ("Police Station {s}, {d}", "Balochistan Police, {d}", "CTD Balochistan"),
        ("SHO", "ASI", "Inspector", "DSP", "SP Investigation", "Head Constable"),
    ),
    "fia": (
        ("FIA Anti-Human Trafficking Circle, Quetta", "FIA Composite Circle, Gwadar",
         "FIA Immigration, Taftan", "FIA Zonal Office, Quetta"),
        ("Deputy Director", "Assistant Director", "Inspector", "Sub-Inspector"),
    ),
    "levies": (
        ("Balochistan Levies Force, {d}",),
        ("Risaldar", "Naib Risaldar", "Dafedar", "Levies Sepoy"),
    ),
    "civil_society": (
        ("SSDO", "Aurat Foundation", "HRCP Balochistan Chapter", "Taraqee Foundation",
         "Balochistan Rural Support Programme", "SPARC", "Sahil", "Water Environment and "
         "Sanitation Society", "Society for Empowering Human Resource"),
        ("Programme Officer", "Project Manager", "Field Coordinator", "Executive Director",
         "M&E Officer", "Community Mobiliser"),
    ),
    "academia": (
        ("University of Balochistan", "BUITEMS", "Sardar Bahadur Khan Women's University",
         "Lasbela University", "University of Turbat", "Government Degree College {d}"),
        ("Professor", "Assistant Professor", "Lecturer", "Research Associate"),
    ),
    "government": (
        ("Social Welfare Department", "Home & Tribal Affairs Department",
         "Deputy Commissioner Office, {d}", "Women Development Department",
         "Planning & Development Department"),
        ("Deputy Secretary", "Section Officer", "Assistant Commissioner", "Deputy Director",
         "Social Welfare Officer"),
    ),
    "labour": (
        ("Labour & Manpower Department", "Directorate of Labour Welfare, {d}"),
        ("Labour Officer", "Deputy Director Labour", "Inspector of Factories"),
    ),
    "child_protection": (
        ("Child Protection Unit, {d}", "Balochistan Child Protection Commission"),
        ("Child Protection Officer", "Case Manager", "Psychologist"),
    ),
    "judiciary": (
        ("Balochistan High Court Bar Association", "Prosecution Department",
         "District Bar Association, {d}"),
        ("Advocate", "Deputy Prosecutor General", "District Public Prosecutor"),
    ),
    "media": (
        ("Daily Jang, Quetta", "Dawn", "Daily Intikhab", "Balochistan Times", "PTV Quetta",
         "Radio Pakistan Quetta", "Daily Azadi", "Geo News"),
        ("Reporter", "Bureau Chief", "Correspondent", "Producer", "Sub-Editor"),
    ),
    "international": (
        ("IOM", "UNODC", "UNHCR", "Embassy of Denmark", "UNICEF"),
        ("Programme Associate", "Project Officer", "Protection Officer", "Head of Office"),
    ),
    "legislature": (
        ("Provincial Assembly of Balochistan",),
        ("MPA", "Parliamentary Secretary", "Standing Committee Member"),
    ),
    "tribal": (
        ("Jirga of {d}", "Community elders, {d}"),
        ("Tribal Elder", "Malik", "Notable"),
    ),
    "religious": (
        ("Jamia Masjid {d}", "Madrassa Board, {d}"),
        ("Khateeb", "Imam", "Mohtamim"),
    ),
}
# How often each group sits at such a dialogue (weights for random.choices).
GROUP_WEIGHTS = {
    "police": 14, "fia": 6, "levies": 8, "civil_society": 20, "academia": 10,
    "government": 14, "labour": 4, "child_protection": 4, "judiciary": 5, "media": 7,
    "international": 3, "legislature": 2, "tribal": 2, "religious": 1,
}
NOTE_OPENINGS = (
    "Cases of trafficking from {d} go unreported because families fear reprisals",
    "The FIA circle in Quetta needs more investigators and a women's desk",
    "Coordination between Levies and Police stops at the district boundary",
    "Victims are often treated as offenders under the Emigration Ordinance",
    "Awareness sessions in schools of {d} reached very few girls",
    "The referral pathway to shelters is not known to front-line officers",
    "Smugglers advertise jobs abroad through social media and local agents",
    "The Prevention of Trafficking in Persons Act 2018 is rarely invoked in {d}",
    "Border crossings at Taftan and Chaman need screening for trafficking indicators",
    "Community elders can identify recruiters early if they are trained",
)
NOTE_ENDINGS = (
    "and the department should report back within three months.",
    "so a joint task force was proposed.",
    "which the participants agreed to raise with the Home Department.",
    "; data sharing between agencies would help.",
    "and funds for victim support have not been released.",
    "— the speaker asked for a provincial helpline in Urdu, Balochi and Pashto.",
)
# fmt: on
