"""The demo world: real service names, plausible organisations, invented people."""

# (name, postcode ranges served, e-mail)
SERVICES = [
    ("Ba-bel", "1000-1299, 1500-3999, 8000-9999", "ba-bel@example.org"),
    ("Sociaal Vertaalbureau Brussel Onthaal", "1000-1299", "brusselonthaal@example.org"),
    ("PASTA", "1500-1999, 3000-3499", "pasta@example.org"),
    ("TOPA", "2000-2999", "topa@example.org"),
    ("STA", "2000-2060, 2100, 2140, 2170, 2180, 2600, 2610, 2660", "sta@example.org"),
    ("Tolk- en Vertaalservice Oost-Vlaanderen", "9000-9999", "tvs-ovl@example.org"),
    ("TVGent", "9000-9052", "tvgent@example.org"),
    ("deSOM", "8000-8999", "desom@example.org"),
    ("Sociale Tolkendienst Limburg", "3500-3999", "stl@example.org"),
    ("SeTIS wallon", "1300-1499, 4000-4699, 4792-7999", "setis@example.org"),
    ("Info-Integration", "4700-4791", "info-integration@example.org"),
]

# (name, type, postcode, municipality, working language)
ORGANISATIONS = [
    ("OCMW Gent", "public_welfare_centre", "9000", "Gent", "nl"),
    ("UZ Gent", "hospital", "9000", "Gent", "nl"),
    ("CAW Oost-Vlaanderen", "general_welfare_centre", "9000", "Gent", "nl"),
    ("OCMW Antwerpen", "public_welfare_centre", "2000", "Antwerpen", "nl"),
    ("ZNA Middelheim", "hospital", "2020", "Antwerpen", "nl"),
    ("CAW Antwerpen", "general_welfare_centre", "2000", "Antwerpen", "nl"),
    ("Basisschool De Regenboog", "school", "2800", "Mechelen", "nl"),
    ("Opgroeien Leuven", "child_and_family", "3000", "Leuven", "nl"),
    ("OCMW Leuven", "public_welfare_centre", "3000", "Leuven", "nl"),
    ("Jessa Ziekenhuis", "hospital", "3500", "Hasselt", "nl"),
    ("OCMW Genk", "public_welfare_centre", "3600", "Genk", "nl"),
    ("Opvangcentrum Lint", "reception_centre", "2547", "Lint", "nl"),
    ("Stad Kortrijk, dienst Integratie", "local_government", "8500", "Kortrijk", "nl"),
    ("AZ Sint-Jan Brugge", "hospital", "8000", "Brugge", "nl"),
    ("OCMW Brugge", "public_welfare_centre", "8000", "Brugge", "nl"),
    ("UZ Brussel", "hospital", "1090", "Jette", "nl"),
    ("OCMW Brussel", "public_welfare_centre", "1000", "Brussel", "nl"),
    ("CPAS d'Ixelles", "public_welfare_centre", "1050", "Ixelles", "fr"),
    ("CHU Saint-Pierre", "hospital", "1000", "Bruxelles", "fr"),
    ("CHU de Liège", "hospital", "4000", "Liège", "fr"),
    ("CPAS de Liège", "public_welfare_centre", "4000", "Liège", "fr"),
    ("CPAS de Charleroi", "public_welfare_centre", "6000", "Charleroi", "fr"),
    ("Grand Hôpital de Charleroi", "hospital", "6000", "Charleroi", "fr"),
    ("CPAS de Namur", "public_welfare_centre", "5000", "Namur", "fr"),
    ("ONE Namur", "child_and_family", "5000", "Namur", "fr"),
    ("Centre Fedasil de Jumet", "reception_centre", "6040", "Jumet", "fr"),
    ("École communale de Mons", "school", "7000", "Mons", "fr"),
    ("ÖSHZ Eupen", "public_welfare_centre", "4700", "Eupen", "de"),
    ("St. Nikolaus-Hospital", "hospital", "4700", "Eupen", "de"),
    ("Kaleido Ostbelgien", "child_and_family", "4700", "Eupen", "de"),
    ("ÖSHZ Sankt Vith", "public_welfare_centre", "4780", "Sankt Vith", "de"),
]

# The languages the sector lacks most; how many of the 60 people work in each.
LANGUAGE_SHARE = [
    ("ar", 10), ("prs", 6), ("ps", 5), ("fa", 5), ("ti", 4), ("tr", 5), ("ru", 4), ("uk", 4),
    ("so", 3), ("rif", 3), ("kmr", 2), ("ckb", 2), ("ro", 2), ("bg", 2), ("pl", 2), ("sq", 1),
]

FIRST_NAMES = {
    "ar": ["Fatima", "Youssef", "Amina", "Karim", "Leila", "Omar", "Nadia", "Samir", "Rania",
           "Hassan"],
    "prs": ["Farid", "Mariam", "Ahmad", "Zahra", "Najib", "Shabnam"],
    "ps": ["Gul", "Wahid", "Malalai", "Naveed", "Parwana"],
    "fa": ["Reza", "Shirin", "Dariush", "Niloufar", "Kaveh"],
    "ti": ["Senait", "Tesfay", "Mehret", "Yonas"],
    "tr": ["Ayşe", "Mehmet", "Elif", "Murat", "Zeynep"],
    "ru": ["Olga", "Dmitri", "Natalia", "Sergei"],
    "uk": ["Oksana", "Taras", "Iryna", "Andriy"],
    "so": ["Hodan", "Abdi", "Faadumo"],
    "rif": ["Mimoun", "Thiziri", "Said"],
    "kmr": ["Rojda", "Baran"],
    "ckb": ["Shilan", "Karwan"],
    "ro": ["Ioana", "Mihai"],
    "bg": ["Desislava", "Georgi"],
    "pl": ["Agnieszka", "Tomasz"],
    "sq": ["Arben"],
}
LAST_NAMES = {
    "ar": ["Haddad", "El Amrani", "Benali", "Mansour", "Saleh", "Khalil", "Bouzid", "Naciri",
           "Aziz", "Farouk"],
    "prs": ["Rahimi", "Karimi", "Ahmadi", "Sultani", "Hakimi", "Noori"],
    "ps": ["Zadran", "Yousafzai", "Afridi", "Durrani", "Stanekzai"],
    "fa": ["Tehrani", "Moradi", "Rostami", "Jafari", "Kazemi"],
    "ti": ["Gebremedhin", "Tesfamariam", "Haile", "Berhane"],
    "tr": ["Yılmaz", "Demir", "Kaya", "Şahin", "Çelik"],
    "ru": ["Ivanova", "Petrov", "Smirnova", "Volkov"],
    "uk": ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"],
    "so": ["Warsame", "Farah", "Abdullahi"],
    "rif": ["Bouchta", "Amziane", "Ouali"],
    "kmr": ["Demirtaş", "Aydın"],
    "ckb": ["Rashid", "Mahmoud"],
    "ro": ["Popescu", "Ionescu"],
    "bg": ["Dimitrova", "Ivanov"],
    "pl": ["Kowalska", "Nowak"],
    "sq": ["Hoxha"],
}

# Where people live: (postcode, municipality), cycled through.
PLACES = [
    ("9000", "Gent"), ("2000", "Antwerpen"), ("1000", "Brussel"), ("3000", "Leuven"),
    ("3500", "Hasselt"), ("8000", "Brugge"), ("2800", "Mechelen"), ("8500", "Kortrijk"),
    ("1050", "Ixelles"), ("4000", "Liège"), ("6000", "Charleroi"), ("5000", "Namur"),
    ("9300", "Aalst"), ("2300", "Turnhout"), ("4700", "Eupen"),
]

DEMO_PASSWORD = "demo-interpreter-2026"

# The demo administrator signs in in two steps: the key to type into an authenticator app
# (or `pyotp.TOTP(KEY).now()`), and recovery codes that each log in once. Demo data only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_RECOVERY_CODES = [f"admin-demo{n}" for n in range(2, 10)]

# (role, e-mail, name, language, link); the link names the organisation, service or person.
DEMO_USERS = [
    ("admin", "admin@example.org", "An Peeters", "nl", None),
    ("register_staff", "register@example.org", "Katrien Janssens", "nl", None),
    ("dispatcher", "dispatcher@example.org", "Pieter Claes", "nl", "TVGent"),
    ("requester", "requester@example.org", "Lotte De Smet", "nl", "OCMW Gent"),
    ("interpreter", "interpreter@example.org", None, "nl", 0),
    ("dispatcher", "setis@example.org", "Julie Lambert", "fr", "SeTIS wallon"),
    ("requester", "cpas.liege@example.org", "Marc Dubois", "fr", "CPAS de Liège"),
    ("requester", "oeshz.eupen@example.org", "Sabine Schmitz", "de", "ÖSHZ Eupen"),
    ("dispatcher", "brusselonthaal@example.org", "Sarah Vermeulen", "nl",
     "Sociaal Vertaalbureau Brussel Onthaal"),
    ("requester", "uzgent@example.org", "Jonas Maes", "nl", "UZ Gent"),
    # Every service has a dispatcher, so that no demo request waits unattended and every
    # escalation reaches someone; Info-Integration's works in German.
    ("dispatcher", "info-integration@example.org", "Lukas Kessler", "de", "Info-Integration"),
    ("dispatcher", "ba-bel@example.org", "Ilse Wouters", "nl", "Ba-bel"),
    ("dispatcher", "pasta@example.org", "Tom Vandenberghe", "nl", "PASTA"),
    ("dispatcher", "topa@example.org", "Eva Goossens", "nl", "TOPA"),
    ("dispatcher", "sta@example.org", "Bram Jacobs", "nl", "STA"),
    ("dispatcher", "tvs-ovl@example.org", "Hanne De Vos", "nl",
     "Tolk- en Vertaalservice Oost-Vlaanderen"),
    ("dispatcher", "desom@example.org", "Wout Declercq", "nl", "deSOM"),
    ("dispatcher", "stl@example.org", "Els Peeters", "nl", "Sociale Tolkendienst Limburg"),
]
