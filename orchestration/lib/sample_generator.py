"""Deterministic generator of the curated reference seeds and of the embedded sample landing folder.

Run ``python -m orchestration.lib.sample_generator [--out seeds]``: it rewrites ``<out>/reference/*.csv``
and ``<out>/sample/landing/**`` byte-identically on every run (one seeded ``random.Random``, no clock,
no dict-order dependence, ``\\n`` line endings). The 2022 Uniformation figures are calibrated exactly on
the published key figures (see ``CALIBRATION_2022``); everything else is plausible, not real.

The reference rows (ROME 4.0 labels, COG labels, zones d'emploi) are copied from the official files kept
in ``/work/shared/reference`` so the seeds do not depend on those files being present.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 52_2022
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "seeds"

# Published key figures of Uniformation for 2022, reproduced exactly by the sample.
CALIBRATION_2022 = {
    "branches": 18,
    "adherents": 1703,
    "adherents_moins_11_etp": 1158,
    "salaries_physiques": 48276,
    "dont_femmes": 36690,
    "contrats": 120,
    "contrats_plus_de_30_ans": 73,
}
CONTRATS_PAR_BRANCHE = {
    2021: {
        "MUTUALITE": 17, "BAD": 15, "ECLAT": 18, "ALISFA": 9, "ACI": 7, "FAMILLES_RURALES": 10,
        "HABITAT_JEUNES": 5, "HLA": 3, "MISSIONS_LOCALES": 6, "TOURISME_SOCIAL": 7, "OPH": 2, "ESH": 3,
        "REGIES": 3, "SECU": 5, "SEM_IMMO": 1, "FRANCE_TRAVAIL": 1,
    },
    2022: {
        "MUTUALITE": 25, "BAD": 16, "ECLAT": 13, "ALISFA": 10, "ACI": 8, "FAMILLES_RURALES": 9,
        "HABITAT_JEUNES": 5, "HLA": 4, "MISSIONS_LOCALES": 6, "TOURISME_SOCIAL": 7, "OPH": 3, "ESH": 4,
        "REGIES": 3, "SECU": 4, "COOP_HLM": 1, "SEM_IMMO": 1, "FRANCE_TRAVAIL": 1,
    },
}  # fmt: skip
CONTRATS_PAR_AN = {2021: 112, 2022: 120, 2023: 131, 2024: 142, 2025: 126}
YEARS = (2021, 2022, 2023, 2024, 2025)
N_OFFRES = 20_000
N_OFFRES_MISES_A_JOUR = 60
REGION = "52"
ROME_CODES = (
    ("D1505", "Hôte / Hôtesse de caisse", "D1505"),
    ("D1507", "Employé / Employée de rayon libre-service", "D1507"),
    ("G1202", "Animateur / Animatrice d'atelier artistique ou ludique", "G1202"),
    ("G1203", "Animateur / Animatrice jeunesse", "G1203"),
    ("G1219", "Recruteur sportif / Recruteuse sportive", "M1502"),
    ("G1223", "Animateur / Animatrice en site de divertissement", "G1202"),
    ("G1235", "Animateur / Animatrice de séjour de vacances", "G1203"),
    ("G1236", "Animateur / Animatrice de club de vacances", "G1202"),
    ("G1237", "Directeur / Directrice d'accueil de loisirs sans hébergement", "G1203"),
    ("G1238", "Animateur / Animatrice d'atelier multimédia", "G1202"),
    ("G1239", "Responsable d'animation", "G1202"),
    ("G1240", "Animateur / Animatrice nature environnement", "G1202"),
    ("G1241", "Directeur / Directrice de centre de séjour de vacances", "G1203"),
    ("G1242", "Médiateur / Médiatrice scientifique", "G1202"),
    ("G1602", "Commis / Commise de cuisine", "G1602"),
    ("G1603", "Equipier polyvalent / Equipière polyvalente de restauration rapide", "G1603"),
    ("J1303", "Assistant / Assistante médico-technique", "J1303"),
    ("J1312", "Assistant / Assistante dentaire", "J1303"),
    ("J1501", "Aide-soignant / Aide-soignante", "J1501"),
    ("J1506", "Infirmier / Infirmière en soins généraux (IDE)", "J1506"),
    ("K1201", "Assistant social / Assistante sociale", "K1201"),
    ("K1204", "Médiateur social / Médiatrice sociale", "K1204"),
    ("K1205", "Agent / Agente d'accueil social", "K1205"),
    ("K1206", "Animateur coordinateur socioculturel / Animatrice coordinatrice socioculturelle", "K1206"),
    ("K1214", "Conseiller / Conseillère en génétique", "K1205"),
    ("K1217", "Animateur socioéducatif / Animatrice socioéducative", "K1206"),
    ("K1218", "Responsable de maison de quartier", "K1206"),
    ("K1219", "Directeur / Directrice de centre socioculturel", "K1206"),
    ("K1221", "Ecoutant social / Ecoutante sociale", "K1205"),
    ("K1225", "Conseiller / Conseillère en économie sociale et familiale (CESF)", "K1201"),
    ("K1301", "Educateur / Educatrice en locomotion", "K1301"),
    ("K1302", "Assistant / Assistante de vie dépendance", "K1302"),
    ("K1304", "Employé familial / Employée familiale", "K1304"),
    ("K1305", "Technicien / Technicienne d'Intervention Sociale et Familiale (TISF)", "K1305"),
    ("K1306", "Accompagnant Educatif et Social (AES) / Accompagnante Educative et Sociale (AES)", "K1302"),
    ("K1311", "Assistant / Assistante de vie aux familles", "K1302"),
    ("K1312", "Accueillant familial / Accueillante familiale thérapeutique auprès d'adultes", "K1302"),
    ("K1801", "Conseiller / Conseillère en insertion professionnelle", "K1801"),
    ("K1804", "Conseiller / Conseillère en création d'entreprise", "K1801"),
    ("K1812", "Chargé / Chargée de projet emploi", "K1801"),
    ("K1814", "Chargé / Chargée d'emploi en entreprise de travail temporaire", "K1801"),
    ("K1815", "Chargé / Chargée de mission emploi formation", "K1801"),
    ("K1903", "Juriste", "K1903"),
    ("K1906", "Délégué / Déléguée à la protection des données - Data Protection Officer", "K1903"),
    ("K1908", "Responsable de service contentieux et recouvrement", "K1903"),
    ("K2111", "Formateur / Formatrice", "K2111"),
    ("K2204", "Agent / Agente de nettoyage industriel", "K2204"),
    ("K2501", "Gardien / Gardienne d'immeuble", "K2501"),
    ("M1203", "Comptable", "M1203"),
    ("M1206", "Responsable comptabilité", "M1206"),
    ("M1213", "Assistant / Assistante comptable", "M1203"),
    ("M1217", "Intendant / Intendante d'établissement scolaire (lycée, collège...)", "M1203"),
    ("M1225", "Aide-comptable", "M1203"),
    ("M1502", "Chargé / Chargée de recrutement", "M1502"),
    ("M1503", "Directeur / Directrice des Ressources Humaines (DRH)", "M1503"),
    ("M1504", "Responsable formation professionnelle en entreprise", "M1502"),
    ("M1505", "Chargé / Chargée de formation en entreprise", "M1502"),
    ("M1506", "Manager de proximité", "M1503"),
    ("M1507", "Gestionnaire paie", "M1203"),
    ("M1508", "Conseiller / Conseillère en gestion de carrière", "M1502"),
    ("M1509", "Responsable paie et administration du personnel", "M1503"),
    ("M1510", "Chargé / Chargée de mission RH diversité handicap", "M1502"),
    ("M1511", "Responsable Qualité de Vie au Travail", "M1502"),
    ("M1512", "Directeur / Directrice des relations sociales", "M1503"),
    ("M1607", "Secrétaire", "M1607"),
    ("N4101", "Conducteur / Conductrice de poids lourd", "N4101"),
    ("N4105", "Conducteur-livreur / Conductrice-livreuse", "N4105"),
)
APPELLATIONS = {
    "D1505": ("Péagiste", "Péager / Péagère", "Caissier / Caissière"),
    "D1507": (
        "Employé / Employée de rayon",
        "Employé / Employée de rayon bazar",
        "Employé / Employée de rayon sport",
    ),
    "G1202": (
        "Animateur / Animatrice d'arts plastiques",
        "Animateur / Animatrice d'atelier lecture",
        "Animateur / Animatrice d'atelier musical",
    ),
    "G1203": (
        "Moniteur / Monitrice d'enfants",
        "Animateur / Animatrice jeunesse",
        "Animateur / Animatrice d'enfants",
    ),
    "G1219": (
        "Scout sportif / Scout sportive",
        "Responsable du recrutement sportif",
        "Emissaire sportif / Emissaire sportive",
    ),
    "G1223": (
        "Animateur / Animatrice d'attractions",
        "Animateur / Animatrice de parc de loisirs",
        "Animateur / Animatrice en site de divertissement",
    ),
    "G1235": (
        "Moniteur / Monitrice de séjour de vacances",
        "Animateur / Animatrice classe de découverte",
        "Moniteur / Monitrice de classe transplantée",
    ),
    "G1236": ("Animateur / Animatrice de club de vacances", "Animateur / Animatrice de village de vacances"),
    "G1237": (
        "Responsable d'accueil de loisirs",
        "Directeur / Directrice centre de loisirs",
        "Directeur / Directrice d'accueil de loisirs",
    ),
    "G1238": (
        "Médiateur / Médiatrice numérique",
        "Animateur / Animatrice de cyberespace",
        "Animateur / Animatrice d'atelier Internet",
    ),
    "G1239": (
        "Responsable d'animation",
        "Chef / Cheffe d'équipe animation",
        "Responsable d'espace de médiation numérique",
    ),
    "G1240": (
        "Animateur / Animatrice d'écomusée",
        "Animateur / Animatrice éco interprète",
        "Animateur / Animatrice nature environnement",
    ),
    "G1241": (
        "Directeur / Directrice de centre de séjour de vacances",
        "Directeur / Directrice d'accueil de loisirs avec hébergement",
        "Directeur adjoint / Directrice adjointe de centre de séjour de vacances",
    ),
    "G1242": ("Médiateur / Médiatrice scientifique", "Animateur / Animatrice d'atelier sciences"),
    "G1602": ("Aide de cuisine", "Agent / Agente de cuisine", "Commis / Commise de cuisine"),
    "G1603": (
        "Vendeur / Vendeuse de glaces",
        "Employé / Employée de friterie",
        "Employé / Employée de snack-bar",
    ),
    "J1303": (
        "Assistant / Assistante audioprothésiste",
        "Assistant / Assistante médico-technique",
        "Assistant médical / Assistante médicale",
    ),
    "J1312": ("Aide dentaire", "Assistant / Assistante dentaire"),
    "J1501": (
        "Aide-soignant / Aide-soignante",
        "Aide-soignant / Aide-soignante en gériatrie",
        "Aide-soignant / Aide-soignante en puériculture",
    ),
    "J1506": (
        "Infirmier / Infirmière militaire",
        "Infirmier / Infirmière hygiéniste",
        "Infirmier / Infirmière en gériatrie",
    ),
    "K1201": (
        "Délégué social / Déléguée sociale",
        "Assistant social / Assistante sociale",
        "Chargé / Chargée d'intervention sociale",
    ),
    "K1204": (
        "Médiateur / Médiatrice de ville",
        "Médiateur / Médiatrice adulte relais",
        "Médiateur social / Médiatrice sociale",
    ),
    "K1205": (
        "Agent / Agente d'accueil social",
        "Chargé / Chargée d'information jeunesse",
        "Agent / Agente d'accueil et d'information sociale",
    ),
    "K1206": (
        "Animateur / Animatrice d'atelier en maison de retraite",
        "Animateur / Animatrice de chantier de jeunes bénévoles",
        "Coordinateur social / Coordinatrice sociale de quartier",
    ),
    "K1214": ("Conseiller / Conseillère en génétique", "Généticien clinicien / Généticienne clinicienne"),
    "K1217": (
        "Animateur / Animatrice de quartier",
        "Animateur / Animatrice de foyer rural",
        "Animateur / Animatrice de régie de quartier",
    ),
    "K1218": (
        "Responsable de foyer rural",
        "Responsable de maison de quartier",
        "Directeur / Directrice de régie de quartier",
    ),
    "K1219": (
        "Directeur / Directrice de centre culturel",
        "Directeur / Directrice de centre socioculturel",
        "Directeur / Directrice de maison des jeunes et de la culture",
    ),
    "K1221": (
        "Ecoutant social / Ecoutante sociale",
        "Ecoutant social référent / Ecoutante sociale référente",
        "Ecoutant social coordinateur / Ecoutante sociale coordinatrice",
    ),
    "K1225": (
        "Conseiller social / Conseillère sociale",
        "Conseiller / Conseillère en économie sociale et familiale (CESF)",
    ),
    "K1301": (
        "Educateur / Educatrice en locomotion",
        "Instructeur / Instructrice en locomotion",
        "Rééducateur / Rééducatrice en locomotion",
    ),
    "K1302": (
        "Aide aux personnes âgées",
        "Auxiliaire familiale et sanitaire",
        "Assistant / Assistante de vie dépendance",
    ),
    "K1304": ("Aide à domicile", "Employé / Employée de maison", "Employé / Employée de ménage"),
    "K1305": ("Technicien / Technicienne d'Intervention Sociale et Familiale (TISF)",),
    "K1306": ("Auxiliaire de gériatrie", "Aide médico-psychologique", "Auxiliaire de gérontologie"),
    "K1311": (
        "Auxiliaire de vie",
        "Assistant / Assistante de vie aux familles",
        "Employé / Employée à domicile auprès d'adultes",
    ),
    "K1312": (
        "Accueillant familial / Accueillante familiale auprès d'adultes",
        "Accueillant familial / Accueillante familiale thérapeutique auprès d'adultes",
    ),
    "K1801": (
        "Conseiller / Conseillère à l'emploi",
        "Conseiller / Conseillère du travail",
        "Conseiller / Conseillère des métiers",
    ),
    "K1804": ("Conseiller / Conseillère en création d'entreprise",),
    "K1812": (
        "Chargé / Chargée de projet emploi",
        "Chargé / Chargée de relations entreprises",
        "Chargé / Chargée de projet d'insertion professionnelle",
    ),
    "K1814": ("Chargé / Chargée d'emploi en entreprise de travail temporaire",),
    "K1815": (
        "Chargé / Chargée de mission emploi formation",
        "Coordonnateur / Coordonnatrice emploi formation",
    ),
    "K1903": ("Juriste", "Fiscaliste", "Juriste civil"),
    "K1906": (
        "Correspondant / Correspondante Informatique et Libertés - CIL",
        "Délégué / Déléguée à la protection des données - Data Protection Officer",
    ),
    "K1908": ("Chef / Cheffe de service contentieux", "Responsable de service contentieux et recouvrement"),
    "K2111": ("Formateur / Formatrice", "E-formateur / E-formatrice", "Formateur / Formatrice d'arabe"),
    "K2204": (
        "Feutier / Feutière",
        "Chef / Cheffe d'équipe propreté",
        "Agent / Agente machiniste en propreté",
    ),
    "K2501": ("Gardien / Gardienne", "Concierge d'immeuble", "Gardien / Gardienne chef"),
    "M1203": ("Comptable", "Comptable unique", "Comptable des jeux"),
    "M1206": ("Chef / Cheffe comptable", "Responsable comptabilité", "Directeur / Directrice comptable"),
    "M1213": (
        "Assistant / Assistante comptable",
        "Agent / Agente de gestion comptable",
        "Technicien / Technicienne comptable",
    ),
    "M1217": (
        "Intendant / Intendante d'université",
        "Intendant / Intendante d'établissement scolaire (lycée, collège...)",
    ),
    "M1225": ("Aide-comptable", "Aide-comptable facturier / Aide-comptable facturière"),
    "M1502": (
        "Responsable recrutement",
        "Chargé / Chargée de recrutement",
        "Chargé / Chargée des relations écoles",
    ),
    "M1503": (
        "Responsable du personnel",
        "Chef / Cheffe du personnel",
        "Directeur / Directrice du personnel",
    ),
    "M1504": (
        "Responsable emploi et formation",
        "Chef / Cheffe de service formation",
        "Responsable formation en entreprise",
    ),
    "M1505": (
        "Chargé / Chargée de formation en entreprise",
        "Conseiller / Conseillère en formation en entreprise",
    ),
    "M1506": ("Team manager", "Manager de proximité", "Responsable d'équipe de production de services"),
    "M1507": ("Responsable paie", "Gestionnaire paie", "Chargé / Chargée de paie"),
    "M1508": ("Talent manager", "Gestionnaire des carrières", "Responsable de la gestion des cadres"),
    "M1509": (
        "Responsable rémunération",
        "Responsable de la gestion du personnel",
        "Chargé / Chargée de gestion des expatriés",
    ),
    "M1510": (
        "Responsable diversité et égalité des chances",
        "Chargé / Chargée de mission RH diversité handicap",
    ),
    "M1511": ("Responsable Qualité de Vie au Travail",),
    "M1512": (
        "Responsable des relations sociales",
        "Responsable des relations du travail",
        "Directeur / Directrice des relations sociales",
    ),
    "M1607": ("Secrétaire", "Secrétaire bilingue", "Secrétaire trilingue"),
    "N4101": ("Routier / Routière", "Camionneur / Camionneuse", "Chauffeur / Chauffeuse de poids lourd"),
    "N4105": (
        "Livreur / Livreuse",
        "Livreur / Livreuse en alimentation",
        "Livreur-vendeur / Livreuse-vendeuse",
    ),
}

# --- Reference data (curated; labels copied from the official files) ---------------------------------

DEPARTEMENTS = (
    ("44", "Loire-Atlantique", "52"),
    ("49", "Maine-et-Loire", "52"),
    ("53", "Mayenne", "52"),
    ("72", "Sarthe", "52"),
    ("85", "Vendée", "52"),
    ("17", "Charente-Maritime", "75"),
    ("35", "Ille-et-Vilaine", "53"),
    ("56", "Morbihan", "53"),
    ("75", "Paris", "11"),
    ("79", "Deux-Sèvres", "75"),
)


@dataclass(frozen=True)
class Commune:
    code: str
    libelle: str
    dep: str
    region: str
    ze: str
    libze: str
    code_postal: str
    lat: float
    lon: float
    poids: float  # relative weight of the commune in employers and offers


COMMUNES = tuple(
    Commune(*row)
    for row in (
        ("44109", "Nantes", "44", "52", "5216", "Nantes", "44000", 47.2184, -1.5536, 40),
        ("44184", "Saint-Nazaire", "44", "52", "5219", "Saint-Nazaire", "44600", 47.2735, -2.2138, 9),
        ("44143", "Rezé", "44", "52", "5216", "Nantes", "44400", 47.1833, -1.5500, 6),
        ("44162", "Saint-Herblain", "44", "52", "5216", "Nantes", "44800", 47.2122, -1.6497, 6),
        ("44114", "Orvault", "44", "52", "5216", "Nantes", "44700", 47.2711, -1.6228, 3),
        ("44215", "Vertou", "44", "52", "5216", "Nantes", "44120", 47.1689, -1.4697, 2.5),
        ("44026", "Carquefou", "44", "52", "5216", "Nantes", "44470", 47.2975, -1.4914, 2.5),
        ("44055", "La Baule-Escoublac", "44", "52", "5219", "Saint-Nazaire", "44500", 47.2867, -2.3908, 2),
        ("44069", "Guérande", "44", "52", "5219", "Saint-Nazaire", "44350", 47.3281, -2.4292, 2),
        ("44190", "Saint-Sébastien-sur-Loire", "44", "52", "5216", "Nantes", "44230", 47.2081, -1.5014, 2.5),
        ("44020", "Bouguenais", "44", "52", "5216", "Nantes", "44340", 47.1778, -1.6233, 2),
        ("44047", "Couëron", "44", "52", "5216", "Nantes", "44220", 47.2156, -1.7222, 2),
        ("44043", "Clisson", "44", "52", "5216", "Nantes", "44190", 47.0869, -1.2819, 1.5),
        ("44129", "Pontchâteau", "44", "52", "5219", "Saint-Nazaire", "44160", 47.4381, -2.0900, 1.2),
        ("44015", "Blain", "44", "52", "5216", "Nantes", "44130", 47.4761, -1.7625, 1.2),
        ("44195", "Savenay", "44", "52", "5219", "Saint-Nazaire", "44260", 47.3608, -1.9425, 1),
        ("44087", "Machecoul-Saint-Même", "44", "52", "5203", "Challans", "44270", 46.9936, -1.8225, 1),
        ("44131", "Pornic", "44", "52", "5217", "Pornic", "44210", 47.1150, -2.1031, 2),
        ("44154", "Saint-Brevin-les-Pins", "44", "52", "5217", "Pornic", "44250", 47.2467, -2.1669, 1.2),
        ("44036", "Châteaubriant", "44", "52", "5205", "Châteaubriant", "44110", 47.7172, -1.3761, 2),
        ("44003", "Ancenis-Saint-Géréon", "44", "52", "5201", "Ancenis", "44150", 47.3656, -1.1772, 2),
        ("44185", "Saint-Nicolas-de-Redon", "44", "52", "0062", "Redon", "44460", 47.6439, -2.0647, 0.8),
        ("44110", "Nort-sur-Erdre", "44", "52", "5216", "Nantes", "44390", 47.4392, -1.4975, 1),
        ("49007", "Angers", "49", "52", "5202", "Angers", "49000", 47.4784, -0.5632, 20),
        ("49099", "Cholet", "49", "52", "5206", "Cholet", "49300", 47.0600, -0.8789, 6),
        ("49328", "Saumur", "49", "52", "5220", "Saumur", "49400", 47.2600, -0.0769, 4),
        ("49015", "Avrillé", "49", "52", "5202", "Angers", "49240", 47.5067, -0.5889, 1.5),
        ("49353", "Trélazé", "49", "52", "5202", "Angers", "49800", 47.4458, -0.4664, 1.5),
        ("49246", "Les Ponts-de-Cé", "49", "52", "5202", "Angers", "49130", 47.4236, -0.5253, 1.2),
        ("49023", "Beaupréau-en-Mauges", "49", "52", "5206", "Cholet", "49600", 47.2042, -0.9889, 1.5),
        ("49092", "Chemillé-en-Anjou", "49", "52", "5206", "Cholet", "49120", 47.2117, -0.7275, 1.2),
        ("49301", "Sèvremoine", "49", "52", "5206", "Cholet", "49230", 47.0400, -1.0900, 1.2),
        ("49125", "Doué-en-Anjou", "49", "52", "5220", "Saumur", "49700", 47.1931, -0.2750, 1),
        ("49215", "Montreuil-Bellay", "49", "52", "5220", "Saumur", "49260", 47.1311, -0.1531, 0.6),
        ("49018", "Baugé-en-Anjou", "49", "52", "5209", "La Flèche", "49150", 47.5411, -0.1036, 1),
        ("49331", "Segré-en-Anjou Bleu", "49", "52", "5221", "Segré-en-Anjou Bleu", "49500", 47.6864, -0.8717, 1.5),
        ("53130", "Laval", "53", "52", "5211", "Laval", "53000", 48.0706, -0.7700, 7),
        ("53054", "Changé", "53", "52", "5211", "Laval", "53810", 48.0997, -0.7892, 0.8),
        ("53096", "Ernée", "53", "52", "5211", "Laval", "53500", 48.2975, -0.9317, 0.6),
        ("53147", "Mayenne", "53", "52", "5215", "Mayenne", "53100", 48.3031, -0.6136, 2),
        ("53097", "Évron", "53", "52", "5215", "Mayenne", "53600", 48.1564, -0.4019, 0.8),
        ("53062", "Château-Gontier-sur-Mayenne", "53", "52", "5204", "Château-Gontier", "53200", 47.8286, -0.7028, 1.5),
        ("53084", "Craon", "53", "52", "5204", "Château-Gontier", "53400", 47.8483, -0.9489, 0.6),
        ("72181", "Le Mans", "72", "52", "5212", "Le Mans", "72000", 48.0061, 0.1996, 16),
        ("72095", "Coulaines", "72", "52", "5212", "Le Mans", "72190", 48.0264, 0.2050, 1),
        ("72003", "Allonnes", "72", "52", "5212", "Le Mans", "72700", 47.9686, 0.1600, 1.2),
        ("72071", "Montval-sur-Loir", "72", "52", "5212", "Le Mans", "72500", 47.6925, 0.3956, 0.7),
        ("72154", "La Flèche", "72", "52", "5209", "La Flèche", "72200", 47.6989, -0.0758, 2),
        ("72264", "Sablé-sur-Sarthe", "72", "52", "5218", "Sablé-sur-Sarthe", "72300", 47.8397, -0.3336, 1.8),
        ("72132", "La Ferté-Bernard", "72", "52", "5208", "La Ferté-Bernard", "72400", 48.1867, 0.6536, 1.2),
        ("72269", "Saint-Calais", "72", "52", "5208", "La Ferté-Bernard", "72120", 47.9211, 0.7453, 0.5),
        ("72180", "Mamers", "72", "52", "0051", "Alençon", "72600", 48.3494, 0.3694, 0.7),
        ("85191", "La Roche-sur-Yon", "85", "52", "5210", "La Roche-sur-Yon", "85000", 46.6706, -1.4269, 8),
        ("85003", "Aizenay", "85", "52", "5210", "La Roche-sur-Yon", "85190", 46.7397, -1.6083, 0.8),
        ("85194", "Les Sables-d'Olonne", "85", "52", "5214", "Les Sables-d'Olonne", "85100", 46.4967, -1.7831, 3),
        ("85047", "Challans", "85", "52", "5203", "Challans", "85300", 46.8467, -1.8781, 2),
        ("85234", "Saint-Jean-de-Monts", "85", "52", "5203", "Challans", "85160", 46.7919, -2.0597, 0.8),
        ("85222", "Saint-Gilles-Croix-de-Vie", "85", "52", "5203", "Challans", "85800", 46.6975, -1.9453, 0.8),
        ("85092", "Fontenay-le-Comte", "85", "52", "5207", "Fontenay-le-Comte", "85200", 46.4667, -0.8064, 1.5),
        ("85128", "Luçon", "85", "52", "5207", "Fontenay-le-Comte", "85400", 46.4547, -1.1658, 1),
        ("85109", "Les Herbiers", "85", "52", "5213", "Les Herbiers-Montaigu", "85500", 46.8711, -1.0136, 1.8),
        ("85146", "Montaigu-Vendée", "85", "52", "5213", "Les Herbiers-Montaigu", "85600", 46.9733, -1.3092, 1.5),
        ("85182", "Pouzauges", "85", "52", "5213", "Les Herbiers-Montaigu", "85700", 46.7797, -0.8372, 0.6),
        # outside the région: real département and région, no zone d'emploi
        ("35238", "Rennes", "35", "53", "", "", "35000", 48.1119, -1.6742, 4),
        ("35236", "Redon", "35", "53", "", "", "35600", 47.6517, -2.0839, 1),
        ("56260", "Vannes", "56", "53", "", "", "56000", 47.6559, -2.7603, 1.5),
        ("75056", "Paris", "75", "11", "", "", "75001", 48.8566, 2.3522, 3),
        ("79191", "Niort", "79", "75", "", "", "79000", 46.3237, -0.4588, 1.5),
        ("17300", "La Rochelle", "17", "75", "", "", "17000", 46.1603, -1.1511, 1),
    )
)  # fmt: skip
COMMUNES_REGION = tuple(c for c in COMMUNES if c.region == REGION)
COMMUNES_HORS_REGION = tuple(c for c in COMMUNES if c.region != REGION)
DEP_LABELS = {code: label for code, label, _ in DEPARTEMENTS}

# code, libellé, synonymes (alternative spellings people type; unique across branches once unaccented)
BRANCHES = (
    ("ALISFA", "Acteurs du lien social et familial", ("ALISFA", "Centres sociaux", "Lien social et familial")),
    ("BAD", "Aide à domicile", ("Aide a domicile", "BAD", "Branche de l'aide à domicile", "BAASSD")),
    ("ACI", "Ateliers et chantiers d'insertion", ("ACI", "Chantiers d'insertion", "Ateliers chantiers d'insertion")),
    ("ECLAT", "ECLAT", ("Eclat (ex-Animation)", "Animation", "Branche ECLAT")),
    ("HABITAT_JEUNES", "Habitat jeunes (foyers de jeunes travailleurs)", ("Habitat jeunes", "FJT", "Foyers de jeunes travailleurs")),
    ("HLA", "Habitat et logement accompagnés", ("HLA", "Logement accompagné")),
    ("MISSIONS_LOCALES", "Missions locales", ("Mission locale", "Missions locales et PAIO", "ML/PAIO")),
    ("MUTUALITE", "Mutualité", ("Mutuelles", "Branche Mutualité", "Mutualité française")),
    ("OPH", "Offices publics de l'habitat", ("OPH", "Office public de l'habitat")),
    ("ESH", "Entreprises sociales pour l'habitat", ("ESH", "SA d'HLM")),
    ("COOP_HLM", "Sociétés coopératives d'HLM", ("Coop HLM", "Coopératives HLM")),
    ("REGIES", "Régies de quartier", ("Régie de quartier", "Régies de quartier et de territoire")),
    ("SECU", "Régime général de sécurité sociale", ("Sécurité sociale", "Régime général", "UCANSS")),
    ("TOURISME_SOCIAL", "Tourisme social et familial", ("Tourisme social", "TSF")),
    ("FRANCE_TRAVAIL", "France Travail", ("Pôle emploi", "FT")),
    ("SACICAP", "SACICAP (crédit immobilier)", ("SACICAP", "Crédit immobilier")),
    ("FAMILLES_RURALES", "Familles rurales", ("Fédération Familles rurales", "Association Familles rurales")),
    ("SEM_IMMO", "Sociétés d'économie mixte immobilières", ("SEM immobilières", "SEM immobilière")),
)  # fmt: skip
BRANCH_LABEL = {code: label for code, label, _ in BRANCHES}

# code, intitulé, niveau, formacode, domaine formacode, codes ROME v3
CERTIFICATIONS = (
    ("RNCP36004", "Diplôme d'État d'accompagnant éducatif et social (DEAES)", "3", "44028", "Travail social", ("K1301", "K1302")),
    ("RNCP37276", "Diplôme d'État d'éducateur de jeunes enfants (DEEJE)", "6", "44062", "Petite enfance", ("K1207",)),
    ("RNCP4503", "Diplôme d'État de technicien de l'intervention sociale et familiale (DETISF)", "4", "44028", "Travail social", ("K1305",)),
    ("RNCP37540", "Diplôme d'État de conseiller en économie sociale familiale (DECESF)", "6", "44028", "Travail social", ("K1201",)),
    ("RNCP2028", "Diplôme d'État de moniteur-éducateur (DEME)", "4", "44028", "Travail social", ("K1207",)),
    ("RNCP36381", "Diplôme d'État d'assistant de service social (DEASS)", "6", "44028", "Travail social", ("K1201",)),
    ("RNCP28573", "BPJEPS spécialité animateur mention animation sociale", "4", "15073", "Animation socioculturelle", ("G1202", "K1206")),
    ("RNCP29045", "DEJEPS animation socio-éducative ou culturelle mention développement de projets, territoires et réseaux", "5", "15073", "Animation socioculturelle", ("K1206", "G1203")),
    ("RNCP38296", "CQP Animateur périscolaire", "3", "15073", "Animation socioculturelle", ("G1203",)),
    ("RNCP4821", "Titre professionnel Assistant de vie aux familles (ADVF)", "3", "42056", "Services à la personne", ("K1302", "K1304")),
    ("RNCP35830", "Certificat Assistant de vie dépendance (ADVD)", "3", "42056", "Services à la personne", ("K1302",)),
    ("RNCP37274", "Titre professionnel Conseiller en insertion professionnelle", "5", "44067", "Insertion professionnelle", ("K1801",)),
    ("RNCP34144", "Titre professionnel Encadrant technique d'insertion", "5", "44067", "Insertion professionnelle", ("K1801",)),
    ("RNCP37795", "Licence professionnelle Intervention sociale : accompagnement de publics spécifiques", "6", "44028", "Travail social", ("K1201", "K1205")),
    ("RNCP35766", "Titre professionnel Gestionnaire de paie", "5", "32688", "Paie", ("M1203",)),
    ("RNCP5729", "Titre professionnel Comptable assistant", "4", "32663", "Comptabilité", ("M1203",)),
    ("RNCP38275", "Titre professionnel Gestionnaire comptable et fiscal", "5", "32663", "Comptabilité", ("M1203", "M1206")),
    ("RNCP34969", "Titre Assistant dentaire", "4", "43441", "Assistance dentaire", ("J1303",)),
    ("RNCP35993", "Titre professionnel Gardien d'immeuble", "3", "42811", "Gardiennage d'immeuble", ("K2501",)),
    ("RNCP35030", "Titre professionnel Assistant ressources humaines", "5", "33054", "Gestion des ressources humaines", ("M1501", "M1502")),
    ("RNCP35283", "Master Gestion des ressources humaines", "7", "33054", "Gestion des ressources humaines", ("M1503",)),
    ("RNCP35987", "Master Droit de la protection sociale", "7", "13254", "Droit social", ("K1903",)),
    ("RNCP34858", "BTS Services et prestations des secteurs sanitaire et social (SP3S)", "5", "44028", "Travail social", ("K1205", "K1903")),
    ("RS5831", "Conseiller de l'offre de service de l'Assurance Maladie", "4", "13254", "Droit social", ("K1903",)),
    ("RS5210", "Médiateur social accès aux droits et services", "4", "44028", "Travail social", ("K1204",)),
    ("RS5623", "Accueillir et orienter le public en structure sociale", "3", "44028", "Travail social", ("K1205",)),
)  # fmt: skip
CERT = {c[0]: c for c in CERTIFICATIONS}

FICHES = (
    ("animation-socioculturelle", "Animation socioculturelle", ("G1202", "G1203", "K1206"),
     ("ALISFA", "ECLAT", "FAMILLES_RURALES", "HABITAT_JEUNES", "TOURISME_SOCIAL")),
    ("aide-a-domicile", "Aide à domicile", ("K1302", "K1304"), ("BAD", "FAMILLES_RURALES", "MUTUALITE")),
    ("intervention-sociale-familiale", "Intervention sociale et familiale", ("K1305",), ("BAD", "FAMILLES_RURALES", "ALISFA")),
    ("accompagnement-medico-social", "Accompagnement médico-social", ("K1301",), ("BAD", "HLA", "MUTUALITE")),
    ("action-sociale", "Action sociale", ("K1201", "K1205"),
     ("ALISFA", "HLA", "SECU", "HABITAT_JEUNES", "OPH", "ESH", "MUTUALITE")),
    ("insertion-professionnelle", "Insertion professionnelle", ("K1801",),
     ("MISSIONS_LOCALES", "ACI", "FRANCE_TRAVAIL", "REGIES")),
    ("droit-protection-sociale", "Droit et protection sociale", ("K1903",), ("SECU", "MUTUALITE")),
    ("assistance-dentaire", "Assistance dentaire", ("J1303",), ("MUTUALITE",)),
    ("ressources-humaines", "Ressources humaines", ("M1502", "M1503"),
     ("MUTUALITE", "SECU", "FRANCE_TRAVAIL", "OPH", "ESH", "BAD")),
    ("comptabilite", "Comptabilité", ("M1203", "M1206"),
     ("MUTUALITE", "OPH", "ESH", "COOP_HLM", "SACICAP", "SEM_IMMO", "SECU")),
    ("gardien-immeuble", "Gardien d'immeuble", ("K2501",), ("OPH", "ESH", "COOP_HLM", "SEM_IMMO", "REGIES")),
)  # fmt: skip


# Per branch: members in 2022, share of members under 11 ETP (a weight, the total is exact), median
# headcount of the larger members, share of women, NAF code, raison sociale patterns ({c}: commune).
@dataclass(frozen=True)
class BranchProfile:
    membres_2022: int
    part_petits: float
    mediane_grands: float
    part_femmes: float
    naf: str
    noms: tuple[str, ...]


BRANCH_PROFILES = {
    "ALISFA": BranchProfile(140, 0.45, 24, 0.80, "88.99B", (
        "Centre socioculturel de {c}", "Espace de vie sociale de {c}", "Association Petite enfance {c}",
        "Maison de quartier de {c}")),
    "BAD": BranchProfile(170, 0.35, 70, 0.93, "88.10A", (
        "Aide à domicile en milieu rural de {c}", "Association d'aide à domicile de {c}",
        "Présence à domicile {c}", "Service de soins infirmiers à domicile de {c}")),
    "ACI": BranchProfile(95, 0.55, 26, 0.45, "88.99B", (
        "Chantier d'insertion de {c}", "Les Jardins solidaires de {c}", "Recyclerie de {c}",
        "Atelier d'insertion Bâtiment {c}")),
    "ECLAT": BranchProfile(590, 0.82, 22, 0.72, "94.99Z", (
        "Amicale laïque de {c}", "Association Loisirs et Culture de {c}",
        "Maison des jeunes et de la culture de {c}", "Centre de loisirs de {c}", "Comité des fêtes de {c}")),
    "HABITAT_JEUNES": BranchProfile(40, 0.30, 22, 0.65, "55.90Z", (
        "Foyer de jeunes travailleurs de {c}", "Habitat jeunes {c}")),
    "HLA": BranchProfile(35, 0.30, 30, 0.70, "87.90B", (
        "Résidence sociale de {c}", "Association Logement accompagné {c}")),
    "MISSIONS_LOCALES": BranchProfile(17, 0.05, 32, 0.80, "88.99B", ("Mission locale de {c}",)),
    "MUTUALITE": BranchProfile(70, 0.35, 60, 0.78, "65.12Z", (
        "Mutuelle de {c}", "Centre de santé dentaire mutualiste de {c}", "Union mutualiste de {c}",
        "Mutuelle des agents de {c}")),
    "OPH": BranchProfile(6, 0.0, 220, 0.50, "68.20A", ("Office public de l'habitat de {c}",)),
    "ESH": BranchProfile(14, 0.0, 140, 0.55, "68.20A", ("SA d'HLM {c} Habitat", "Entreprise sociale pour l'habitat de {c}")),
    "COOP_HLM": BranchProfile(7, 0.5, 20, 0.55, "41.10A", ("Coopérative HLM de {c}",)),
    "REGIES": BranchProfile(12, 0.4, 20, 0.50, "81.21Z", ("Régie de quartier de {c}",)),
    "SECU": BranchProfile(22, 0.0, 380, 0.78, "84.30A", (
        "Caisse primaire d'assurance maladie de {c}", "Caisse d'allocations familiales de {c}",
        "Union de recouvrement de {c}", "Caisse d'assurance retraite et de la santé au travail de {c}")),
    "TOURISME_SOCIAL": BranchProfile(80, 0.50, 25, 0.60, "55.20Z", (
        "Village vacances de {c}", "Centre de vacances de {c}", "Maison familiale de vacances de {c}")),
    "FRANCE_TRAVAIL": BranchProfile(1, 0.0, 3400, 0.72, "84.13Z", ("France Travail Pays de la Loire",)),
    "SACICAP": BranchProfile(2, 0.5, 15, 0.60, "64.92Z", ("SACICAP de {c}",)),
    "FAMILLES_RURALES": BranchProfile(396, 0.92, 18, 0.85, "94.99Z", (
        "Familles rurales de {c}", "Association Familles rurales de {c}")),
    "SEM_IMMO": BranchProfile(6, 0.3, 30, 0.55, "68.20A", ("Société d'économie mixte immobilière de {c}",)),
}  # fmt: skip

NAF_LABELS = {
    "41.10A": "Promotion immobilière de logements",
    "47.11F": "Hypermarchés",
    "49.41A": "Transports routiers de fret interurbains",
    "55.20Z": "Hébergement touristique et autre hébergement de courte durée",
    "55.90Z": "Autres hébergements",
    "56.10A": "Restauration traditionnelle",
    "56.10C": "Restauration de type rapide",
    "64.92Z": "Autre distribution de crédit",
    "65.12Z": "Autres assurances",
    "68.20A": "Location de logements",
    "68.32A": "Administration d'immeubles et autres biens immobiliers",
    "69.10Z": "Activités juridiques",
    "69.20Z": "Activités comptables",
    "70.22Z": "Conseil pour les affaires et autres conseils de gestion",
    "78.10Z": "Activités des agences de placement de main-d'oeuvre",
    "78.20Z": "Activités des agences de travail temporaire",
    "81.21Z": "Nettoyage courant des bâtiments",
    "82.11Z": "Services administratifs combinés de bureau",
    "84.13Z": "Administration publique (tutelle) des activités économiques",
    "84.30A": "Activités générales de sécurité sociale",
    "85.59A": "Formation continue d'adultes",
    "86.10Z": "Activités hospitalières",
    "86.23Z": "Pratique dentaire",
    "87.10A": "Hébergement médicalisé pour personnes âgées",
    "87.90B": "Hébergement social pour adultes et familles en difficultés et autre hébergement social",
    "88.10A": "Aide à domicile",
    "88.10B": "Accueil ou accompagnement sans hébergement d'adultes handicapés ou de personnes âgées",
    "88.91A": "Accueil de jeunes enfants",
    "88.99B": "Action sociale sans hébergement n.c.a.",
    "93.29Z": "Autres activités récréatives et de loisirs",
    "94.99Z": "Autres organisations fonctionnant par adhésion volontaire",
}

# Certifications prepared in contrats de professionnalisation, per branch (weights).
CERTS_PAR_BRANCHE = {
    "MUTUALITE": {"RNCP34969": 5, "RNCP35766": 2, "RNCP5729": 2, "RNCP35030": 2, "RNCP38275": 1, "RNCP4821": 1,
                  "RNCP36004": 1, "RNCP34858": 1},
    "BAD": {"RNCP4821": 5, "RNCP35830": 3, "RNCP36004": 3, "RNCP4503": 1},
    "ECLAT": {"RNCP28573": 4, "RNCP29045": 2, "RNCP38296": 3},
    "ALISFA": {"RNCP28573": 3, "RNCP29045": 2, "RNCP38296": 2, "RNCP37540": 1},
    "ACI": {"RNCP37274": 3, "RNCP34144": 3},
    "HABITAT_JEUNES": {"RNCP28573": 2, "RNCP37540": 2, "RNCP29045": 1},
    "HLA": {"RNCP36004": 2, "RNCP37540": 2, "RNCP36381": 1},
    "MISSIONS_LOCALES": {"RNCP37274": 4, "RNCP37795": 1},
    "OPH": {"RNCP35993": 3, "RNCP5729": 1, "RNCP38275": 1, "RNCP37540": 1},
    "ESH": {"RNCP35993": 3, "RNCP5729": 1, "RNCP38275": 1, "RNCP37540": 1},
    "COOP_HLM": {"RNCP35993": 1, "RNCP5729": 1},
    "SEM_IMMO": {"RNCP35993": 1, "RNCP38275": 1},
    "REGIES": {"RNCP35993": 2, "RNCP34144": 1, "RNCP37274": 1},
    "SECU": {"RS5831": 3, "RNCP34858": 2, "RNCP35766": 1, "RNCP35987": 1},
    "TOURISME_SOCIAL": {"RNCP28573": 2, "RNCP38296": 2, "RNCP5729": 1},
    "FRANCE_TRAVAIL": {"RNCP37274": 2, "RNCP35030": 1},
    "SACICAP": {"RNCP38275": 1, "RNCP5729": 1},
    "FAMILLES_RURALES": {"RNCP38296": 3, "RNCP28573": 2, "RNCP4821": 2, "RNCP4503": 1},
}  # fmt: skip

NIVEAUX_ENTREE = (
    "Sans diplôme",
    "Niveau 3 (CAP, BEP)",
    "Niveau 4 (Bac)",
    "Niveau 5 (Bac+2)",
    "Niveau 6 (Bac+3, Bac+4)",
    "Niveau 7 (Bac+5)",
)


# --- Small helpers ---------------------------------------------------------------------------------


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_complete(payload: str) -> str:
    """Append the digit that makes ``payload`` + digit pass the Luhn check."""
    for digit in "0123456789":
        if luhn_ok(payload + digit):
            return payload + digit
    raise AssertionError("unreachable")


def fake_siret(rng: random.Random, used: set[str]) -> str:
    """A 14-digit SIRET whose SIREN and SIRET both pass the Luhn check, unique within ``used``."""
    while True:
        siren = _luhn_complete(str(rng.randint(30_000_000, 89_999_999)))
        siret = _luhn_complete(siren + f"{rng.choice((1, 1, 1, 2, 3, 12, 15, 21)):04d}")
        if siret not in used:
            used.add(siret)
            return siret


def fr_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def fr_decimal(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def age_at(birth: date, day: date) -> int:
    """Age in whole years at ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_for_age(rng: random.Random, day: date, age: int) -> date:
    birth = _years_before(day, age) - timedelta(days=rng.randint(0, 360))
    assert age_at(birth, day) == age
    return birth


def normalise_label(text: str) -> str:
    """Lowercase, unaccented, single-spaced: how branch labels typed by people are compared."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().replace("’", "'").split())


def branch_lookup() -> dict[str, str]:
    """Every accepted spelling of a branch (code, label, synonyms), normalised, to its code."""
    lookup: dict[str, str] = {}
    for code, label, synonyms in BRANCHES:
        for spelling in (code, label, *synonyms):
            key = normalise_label(spelling)
            assert lookup.get(key, code) == code, f"ambiguous branch spelling {spelling!r}"
            lookup[key] = code
    return lookup


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def pick_commune(rng: random.Random, communes: Sequence[Commune] = COMMUNES_REGION) -> Commune:
    return rng.choices(communes, weights=[c.poids for c in communes])[0]


def typed_branch_label(rng: random.Random, code: str, variant_share: float = 0.12) -> str:
    """The branch as people type it: mostly the usual label, sometimes another spelling."""
    _, label, synonyms = next(b for b in BRANCHES if b[0] == code)
    if rng.random() < variant_share:
        return rng.choice(synonyms)
    return label


# --- Member employers (adherents) ------------------------------------------------------------------


@dataclass
class Employer:
    siret: str
    nom: str
    branche: str
    commune: Commune
    petit: bool
    etp: float  # reference values: those of 2022 (or of the first year of membership)
    salaries: int
    femmes: int
    debut: int = 2021
    fin: int = 2025
    tendance: float = 0.0
    variations: dict[int, float] = field(default_factory=dict)

    def membre(self, year: int) -> bool:
        return self.debut <= year <= self.fin

    def figures(self, year: int) -> tuple[float, int, int]:
        """effectif_etp, salaries_physiques, dont_femmes for ``year`` (exactly the reference in 2022)."""
        if year == 2022:
            return self.etp, self.salaries, self.femmes
        factor = (1 + self.tendance) ** (year - 2022) * self.variations[year]
        salaries = max(1, round(self.salaries * factor))
        etp = max(0.2, round(self.etp * factor, 1))
        femmes = min(salaries, round(self.femmes / self.salaries * salaries))
        return etp, salaries, femmes


NAME_QUALIFIERS = (
    "Nord", "Sud", "Est", "Ouest", "Centre", "Bourg", "Val", "Bocage", "Littoral", "Vallée", "Coteaux",
    "Plateau", "Rives", "Marais", "Bellevue", "Beaulieu", "Saint-Jacques", "Saint-Pierre", "Sainte-Anne",
    "Les Pins", "Le Moulin", "La Gare", "Le Château", "Les Prés", "La Forêt", "Les Vignes", "Le Port",
    "Les Landes", "Le Lac", "Les Sources",
)  # fmt: skip


def place(pattern: str, commune: Commune) -> str:
    """Fill ``{c}`` with the commune, with French elision: "de Le Mans" -> "du Mans", "à Les" -> "aux"."""
    name = commune.libelle
    if name.startswith("Le "):
        de, a = "du " + name[3:], "au " + name[3:]
    elif name.startswith("Les "):
        de, a = "des " + name[4:], "aux " + name[4:]
    elif name[0] in "AEIOUYÉÈÊÂ":
        de, a = "d'" + name, "à " + name
    else:
        de, a = "de " + name, "à " + name
    return pattern.replace("de {c}", de).replace("à {c}", a).replace("{c}", name)


def _unique_name(rng: random.Random, patterns: Sequence[str], commune: Commune, used: set[str]) -> str:
    for pattern in rng.sample(list(patterns), len(patterns)):
        name = place(pattern, commune)
        if name not in used:
            used.add(name)
            return name
    base = place(rng.choice(patterns), commune)
    for suffix in NAME_QUALIFIERS:
        name = f"{base} {suffix}"
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{base} {n}" in used:
        n += 1
    used.add(f"{base} {n}")
    return f"{base} {n}"


def _new_employer(rng, branche, petit, sirets, names) -> Employer:
    profile = BRANCH_PROFILES[branche]
    commune = pick_commune(rng)
    if branche == "FRANCE_TRAVAIL":
        commune = COMMUNES_REGION[0]
    nom = _unique_name(rng, profile.noms, commune, names)
    if petit:
        etp = round(min(10.9, 0.3 + rng.expovariate(1 / 3.2)), 1)
        salaries = max(1, round(etp * rng.uniform(1.05, 1.8)))
    else:
        salaries = max(13, round(profile.mediane_grands * rng.lognormvariate(0, 0.6)))
        etp = 0.0  # set once the headcounts are calibrated
    share = min(1.0, max(0.0, profile.part_femmes + rng.gauss(0, 0.08)))
    employer = Employer(fake_siret(rng, sirets), nom, branche, commune, petit, etp, salaries, 0)
    employer.femmes = round(salaries * share)
    employer.tendance = rng.uniform(-0.01, 0.04)
    employer.variations = {y: rng.uniform(0.96, 1.04) for y in YEARS}
    return employer


def _large_etp(rng: random.Random, employer: Employer) -> None:
    employer.etp = round(max(11.0, employer.salaries / rng.uniform(1.1, 1.4)), 1)


def _spread(values: list[int], diff: int, lower: Sequence[int], upper: Sequence[int]) -> None:
    """Add ``diff`` to ``values`` one unit at a time, cycling, within [lower, upper] bounds."""
    step = 1 if diff > 0 else -1
    while diff:
        moved = False
        for i in range(len(values)):
            if diff and lower[i] <= values[i] + step <= upper[i]:
                values[i] += step
                diff -= step
                moved = True
        if not moved:
            raise AssertionError("cannot calibrate: no room left")


def build_employers(rng: random.Random, sirets: set[str]) -> list[Employer]:
    names: set[str] = set()
    codes = [code for code, _, _ in BRANCHES]
    # 2022 members: who is small (< 11 ETP) is drawn by weighted sampling so that the total is exact.
    members = [(code, i) for code in codes for i in range(BRANCH_PROFILES[code].membres_2022)]
    keys = []
    for index, (code, _) in enumerate(members):
        p = BRANCH_PROFILES[code].part_petits
        weight = p / (1 - p) if 0 < p < 1 else 0.0
        keys.append((rng.random() ** (1 / weight) if weight else -1.0, index))
    small = {index for _, index in sorted(keys, reverse=True)[: CALIBRATION_2022["adherents_moins_11_etp"]]}
    employers = [_new_employer(rng, code, i in small, sirets, names) for i, (code, _) in enumerate(members)]

    # Headcount: scale the larger members so that the total is exact, then fix the remainder by units.
    large = [e for e in employers if not e.petit]
    small_total = sum(e.salaries for e in employers if e.petit)
    factor = (CALIBRATION_2022["salaries_physiques"] - small_total) / sum(e.salaries for e in large)
    for e in large:
        e.femmes = min(round(e.femmes * factor), 10**6)
        e.salaries = max(13, round(e.salaries * factor))
    values = [e.salaries for e in large]
    _spread(
        values,
        CALIBRATION_2022["salaries_physiques"] - small_total - sum(values),
        [13] * len(values),
        [10**6] * len(values),
    )
    for e, v in zip(large, values, strict=True):
        e.salaries = v
        _large_etp(rng, e)
    # Women: the same, within 0..headcount.
    order = list(range(len(employers)))
    rng.shuffle(order)
    femmes = [min(employers[i].femmes, employers[i].salaries) for i in order]
    _spread(
        femmes,
        CALIBRATION_2022["dont_femmes"] - sum(femmes),
        [0] * len(order),
        [employers[i].salaries for i in order],
    )
    for i, f in zip(order, femmes, strict=True):
        employers[i].femmes = f

    # Membership over the years: some join in 2022, some leave after 2022, 2023 or 2024; some were
    # members in 2021 only; newcomers join in 2023, 2024 and 2025.
    movable = [e for e in employers if BRANCH_PROFILES[e.branche].membres_2022 >= 30]
    for e in rng.sample(movable, 45):
        e.debut = 2022
    leavers = rng.sample(movable, 110)
    for n, e in enumerate(leavers):
        e.fin = 2022 + n // 37
    others = []
    for debut, fin, count in ((2021, 2021, 38), (2023, 2025, 62), (2024, 2025, 68), (2025, 2025, 58)):
        for _ in range(count):
            code = rng.choice([e.branche for e in movable])
            p = BRANCH_PROFILES[code].part_petits
            e = _new_employer(rng, code, rng.random() < p, sirets, names)
            if not e.petit:
                _large_etp(rng, e)
            e.debut, e.fin = debut, fin
            others.append(e)
    return employers + others


def adherents_rows(rng: random.Random, employers: Sequence[Employer]) -> list[list[str]]:
    rows = []
    for year in YEARS:
        for e in sorted((e for e in employers if e.membre(year)), key=lambda e: e.siret):
            etp, salaries, femmes = e.figures(year)
            rows.append(
                [
                    str(year),
                    e.siret,
                    e.nom,
                    typed_branch_label(rng, e.branche, 0.08),
                    BRANCH_PROFILES[e.branche].naf,
                    e.commune.dep,
                    fr_decimal(etp, 1),
                    str(salaries),
                    str(femmes),
                ]
            )
    return rows


# --- Training providers: the Région's agreements and the national public list ----------------------


@dataclass
class Provider:
    siret: str
    nda: str
    nom: str
    commune: Commune
    qualiopi: bool
    agrements: tuple[tuple[str, tuple[str, ...]], ...] = ()
    specialites: tuple[str, ...] = ("332",)


# nom, commune, qualiopi, ((certification, départements), ...), NSF specialities
AGREED_PROVIDERS = (
    ("Institut régional du travail social de l'Ouest", "44109", True,
     (("RNCP36004", "44,85"), ("RNCP37276", "44"), ("RNCP4503", "44,49,85"), ("RNCP37540", "44"),
      ("RNCP2028", "44,85"), ("RNCP36381", "44")), ("332", "330")),
    ("Institut de formation sanitaire et sociale d'Anjou", "49007", True,
     (("RNCP36004", "49"), ("RNCP2028", "49,53"), ("RNCP36381", "49,72"), ("RNCP4503", "49")), ("332", "331")),
    ("Centre de formation aux métiers du social du Maine", "72181", True,
     (("RNCP36004", "72"), ("RNCP2028", "72"), ("RNCP37540", "72,53"), ("RNCP37276", "72")), ("332",)),
    ("Académie des métiers du domicile", "85191", True,
     (("RNCP4821", "85,44"), ("RNCP35830", "85"), ("RNCP36004", "85")), ("330", "332")),
    ("Greta-CFA Loire-Océan", "44184", True,
     (("RNCP4821", "44"), ("RNCP5729", "44"), ("RNCP35766", "44"), ("RNCP35993", "44")), ("314", "330", "344")),
    ("Greta-CFA Anjou", "49007", True,
     (("RNCP4821", "49"), ("RNCP5729", "49"), ("RNCP38275", "49")), ("314", "330")),
    ("Greta-CFA Mayenne-Sarthe", "53130", True,
     (("RNCP4821", "53,72"), ("RNCP5729", "53,72"), ("RNCP35030", "53")), ("314", "315", "330")),
    ("Centre régional des métiers de l'animation", "44109", True,
     (("RNCP28573", "44,49,85"), ("RNCP29045", "44,49"), ("RNCP38296", "44,85")), ("335",)),
    ("Union de l'animation Sarthe-Mayenne", "72181", True, (("RNCP28573", "72,53"), ("RNCP38296", "72,53")), ("335",)),
    ("Animation Formation Vendée", "85191", True, (("RNCP28573", "85"), ("RNCP38296", "85")), ("335",)),
    ("Institut Insertion et Emploi", "44109", True, (("RNCP37274", "44,49,72"), ("RNCP34144", "44,85")), ("415", "332")),
    ("Atelier Formation Insertion du Maine", "72181", True,
     (("RNCP37274", "72"), ("RNCP34144", "72,53")), ("415",)),
    ("École d'assistance dentaire de l'Ouest", "44109", True, (("RNCP34969", "44"),), ("331",)),
    ("Centre de formation dentaire d'Anjou", "49007", True, (("RNCP34969", "49"),), ("331",)),
    ("Institut de gestion et de paie", "44162", True,
     (("RNCP35766", "44,49"), ("RNCP35030", "44,49"), ("RNCP38275", "44")), ("314", "315")),
    ("Université Nantes Atlantique - Formation continue", "44109", True,
     (("RNCP35283", "44"), ("RNCP35987", "44"), ("RNCP37795", "44")), ("315", "128", "332")),
    ("Campus universitaire d'Angers - Formation continue", "49007", True,
     (("RNCP37795", "49"), ("RNCP35283", "49")), ("315", "332")),
    ("Centre de formation Services sanitaires et sociaux", "49099", True, (("RNCP34858", "49,44"),), ("330",)),
    ("Institut de formation de l'Assurance maladie de l'Ouest", "72181", True,
     (("RS5831", "72,44"),), ("128", "313")),
    ("Médiation Formation Ouest", "44109", True, (("RS5210", "44,53"),), ("332", "413")),
    ("Formation Accueil Social Vendée", "85194", False, (("RS5623", "85"), ("RNCP4821", "85")), ("332",)),
    ("Habitat Formation Atlantique", "44162", True, (("RNCP35993", "44,85"),), ("344",)),
    ("Mayenne Compétences Formation", "53130", True,
     (("RNCP36004", "53"), ("RNCP35830", "53"), ("RNCP28573", "53")), ("330", "335")),
    ("Centre rural de formation du Bocage", "85109", True,
     (("RNCP4821", "85"), ("RNCP38296", "85"), ("RNCP36004", "85")), ("330", "335")),
    ("Institut de formation des métiers de la famille", "49328", False,
     (("RNCP4503", "49"), ("RNCP37540", "49")), ("332",)),
)  # fmt: skip

NSF = {
    "128": "Droit, sciences politiques",
    "136": "Langues vivantes, civilisations étrangères et régionales",
    "230": "Spécialités pluritechnologiques, génie civil, construction, bois",
    "311": "Transport, manutention, magasinage",
    "312": "Commerce, vente",
    "313": "Finances, banque, assurances",
    "314": "Comptabilité, gestion",
    "315": "Ressources humaines, gestion du personnel, gestion de l'emploi",
    "326": "Informatique, traitement de l'information, réseaux de transmission des données",
    "330": "Spécialités plurivalentes sanitaires et sociales",
    "331": "Santé",
    "332": "Travail social",
    "333": "Enseignement, formation",
    "334": "Accueil, hôtellerie, tourisme",
    "335": "Animation culturelle, sportive et de loisirs",
    "344": "Sécurité des biens et des personnes, police, surveillance",
    "413": "Développement des capacités comportementales et relationnelles",
    "415": "Développement des capacités d'orientation, d'insertion ou de réinsertion sociales et professionnelles",
}

OTHER_PROVIDER_NAMES = (
    "Cabinet Formation Conseil {c}", "Centre de formation professionnelle de {c}", "Atelier des compétences {c}",
    "Langues et Communication {c}", "Sécurité Formation {c}", "Bureautique Services {c}",
    "Institut du management de {c}", "Compétences Santé {c}", "Transport Formation {c}",
    "École de conduite professionnelle de {c}", "Bilan Orientation {c}", "Formations Bâtiment {c}",
)  # fmt: skip
OTHER_PROVIDER_NSF = (
    "136",
    "230",
    "311",
    "312",
    "313",
    "314",
    "315",
    "326",
    "333",
    "334",
    "344",
    "413",
    "415",
)
COMMUNE_BY_CODE = {c.code: c for c in COMMUNES}


def _nda(rng: random.Random, commune: Commune) -> str:
    # numéro de déclaration d'activité: région (2), département (2), sequence (5), département (2)
    return f"{commune.region}{commune.dep}{rng.randint(0, 99999):05d}{commune.dep}"


def build_providers(rng: random.Random, sirets: set[str]) -> tuple[list[Provider], list[Provider]]:
    agreed = []
    for nom, commune_code, qualiopi, agrements, nsf in AGREED_PROVIDERS:
        commune = COMMUNE_BY_CODE[commune_code]
        agreed.append(
            Provider(fake_siret(rng, sirets), _nda(rng, commune), nom, commune, qualiopi, agrements, nsf)
        )
    others = []
    names: set[str] = {p.nom for p in agreed}
    for n in range(100):
        communes = COMMUNES_HORS_REGION if n % 5 == 4 else COMMUNES_REGION
        commune = pick_commune(rng, communes)
        nom = _unique_name(rng, OTHER_PROVIDER_NAMES, commune, names)
        nsf = tuple(sorted(rng.sample(OTHER_PROVIDER_NSF, rng.randint(1, 3))))
        others.append(
            Provider(fake_siret(rng, sirets), _nda(rng, commune), nom, commune, rng.random() < 0.7, (), nsf)
        )
    return agreed, others


def agrements_rows(rng: random.Random, agreed: Sequence[Provider]) -> list[list[str]]:
    periods = (
        (date(2023, 9, 1), date(2026, 8, 31)),
        (date(2024, 1, 1), date(2026, 12, 31)),
        (date(2024, 9, 1), date(2027, 8, 31)),
        (date(2025, 1, 1), date(2027, 12, 31)),
        (date(2022, 1, 1), date(2024, 12, 31)),  # expired agreement kept in the Région's file
    )
    rows = []
    for p in agreed:
        for code, deps in p.agrements:
            debut, fin = rng.choices(periods, weights=(3, 4, 3, 2, 1))[0]
            rows.append(
                [
                    p.siret,
                    p.nda,
                    p.nom,
                    code,
                    CERT[code][1],
                    deps,
                    fr_date(debut),
                    fr_date(fin),
                    "oui" if p.qualiopi else "non",
                ]
            )
    return rows


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _upper_ascii(text: str) -> str:
    return normalise_label(text).upper()


def organismes_lines(rng: random.Random, providers: Sequence[Provider]) -> list[str]:
    """Rows of the DGEFP public list: quoted strings, bare booleans and numbers, ``;`` at line end."""
    voies = ("RUE", "AVENUE", "BOULEVARD", "IMPASSE", "PLACE", "ALLEE", "QUAI")
    noms_voies = ("DE LA GARE", "DES LILAS", "JEAN JAURES", "DU GENERAL DE GAULLE", "DES ECOLES",
                  "DE LA REPUBLIQUE", "PASTEUR", "DU PORT", "DES TISSERANDS", "DE BRETAGNE")  # fmt: skip
    lines = []
    for p in sorted(providers, key=lambda p: p.nda):
        specialites: list[str] = []
        for code in p.specialites[:3]:
            specialites += [_quoted(code), _quoted(NSF[code])]
        specialites += [""] * (6 - len(specialites))
        declaration = date(2024, 3, 1) + timedelta(days=rng.randint(0, 480))
        stagiaires = rng.randint(20, 2500)
        fields = [
            _quoted(p.nda),
            _quoted(_nda(rng, p.commune)) if rng.random() < 0.1 else "",
            _quoted(p.nom.upper()),
            _quoted(p.siret[:9]),
            _quoted(p.siret),
            _quoted(f"{rng.randint(1, 120)} {rng.choice(voies)} {rng.choice(noms_voies)}"),
            _quoted(p.commune.code_postal),
            _quoted(_upper_ascii(p.commune.libelle)),
            _quoted(p.commune.region),
            "true" if p.qualiopi else "false",
            "true" if rng.random() < 0.15 else "false",
            "true" if p.agrements and rng.random() < 0.5 else "false",
            "true" if rng.random() < 0.3 else "false",
            "", "", "", "", "",
            _quoted(fr_date(declaration)),
            _quoted("01/01/2024"),
            _quoted("31/12/2024"),
            *specialites,
            str(stagiaires),
            str(rng.randint(0, stagiaires // 4)),
            str(rng.randint(1, 60)),
        ]  # fmt: skip
        assert len(fields) == len(ORGANISMES_HEADER)
        lines.append(";".join(fields) + ";")
    return lines


ORGANISMES_HEADER = [
    "numeroDeclarationActivite",
    "numerosDeclarationActivitePrecedent",
    "denomination",
    "siren",
    "siretEtablissementDeclarant",
    "adressePhysiqueOrganismeFormation.voie",
    "adressePhysiqueOrganismeFormation.codePostal",
    "adressePhysiqueOrganismeFormation.ville",
    "adressePhysiqueOrganismeFormation.codeRegion",
    "certifications.actionsDeFormation",
    "certifications.bilansDeCompetences",
    "certifications.VAE",
    "certifications.actionsDeFormationParApprentissage",
    "organismeEtrangerRepresente.denomination",
    "organismeEtrangerRepresente.voie",
    "organismeEtrangerRepresente.codePostal",
    "organismeEtrangerRepresente.ville",
    "organismeEtrangerRepresente.pays",
    "informationsDeclarees.dateDerniereDeclaration",
    "informationsDeclarees.debutExercice",
    "informationsDeclarees.finExercice",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite1",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite1",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite2",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite2",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite3",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite3",
    "informationsDeclarees.nbStagiaires",
    "informationsDeclarees.nbStagiairesConfiesParUnAutreOF",
    "informationsDeclarees.effectifFormateurs",
]


# --- Contrats de professionnalisation --------------------------------------------------------------

ENGAGEMENT_MONTH_WEIGHTS = (6, 5, 5, 5, 5, 6, 6, 4, 18, 17, 12, 7)


def _rome_children(codes_v3: Iterable[str]) -> list[str]:
    wanted = set(codes_v3)
    return [code for code, _, parent in ROME_CODES if parent in wanted]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _contract_ages(rng: random.Random, year: int, count: int) -> list[int]:
    if year == 2022:
        over = CALIBRATION_2022["contrats_plus_de_30_ans"]
    else:
        over = round(count * {2021: 0.57, 2023: 0.6, 2024: 0.62, 2025: 0.59}[year])
    ages = [min(60, 31 + int(rng.expovariate(1 / 9))) for _ in range(over)]
    ages += [rng.choice((18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30)) for _ in range(count - over)]
    rng.shuffle(ages)
    return ages


def _niveau_entree(rng: random.Random, niveau_cert: int) -> str:
    # index in NIVEAUX_ENTREE: 0 sans diplôme, 1 niveau 3 ... 5 niveau 7
    target = niveau_cert - 2  # the level just below the certification
    choice = max(0, min(5, target + rng.choice((-2, -1, -1, 0, 0, 0, 1))))
    return NIVEAUX_ENTREE[choice]


def contrats_rows(
    rng: random.Random,
    employers: Sequence[Employer],
    agreed: Sequence[Provider],
    others: Sequence[Provider],
) -> list[list[str]]:
    regional_others = [p for p in others if p.commune.region == REGION]
    rows = []
    weights_other_years = {code: CONTRATS_PAR_BRANCHE[2022].get(code, 0) + 0.5 for code, _, _ in BRANCHES}
    for year in YEARS:
        count = CONTRATS_PAR_AN[year]
        if year in CONTRATS_PAR_BRANCHE:
            per_branch = CONTRATS_PAR_BRANCHE[year]
            assert sum(per_branch.values()) == count
            branches = [code for code, n in per_branch.items() for _ in range(n)]
        else:
            branches = [weighted_choice(rng, weights_other_years) for _ in range(count)]
        ages = _contract_ages(rng, year, count)
        contracts = []
        for branche, age in zip(branches, ages, strict=True):
            members = [e for e in employers if e.branche == branche and e.membre(year)]
            employer = rng.choices(members, weights=[math.sqrt(e.figures(year)[1]) for e in members])[0]
            cert = CERT[weighted_choice(rng, CERTS_PAR_BRANCHE[branche])]
            children = _rome_children(cert[5])
            code_rome = rng.choices(children, weights=[3 if c in cert[5] else 1 for c in children])[0]
            candidates = [p for p in agreed if any(code == cert[0] for code, _ in p.agrements)]
            local = [
                p for p in candidates
                if any(code == cert[0] and employer.commune.dep in deps.split(",") for code, deps in p.agrements)
            ]  # fmt: skip
            if local and rng.random() < 0.85:
                provider = rng.choice(local)
            elif candidates and rng.random() < 0.6:
                provider = rng.choice(candidates)
            else:
                provider = rng.choice(regional_others)
            month = rng.choices(range(1, 13), weights=ENGAGEMENT_MONTH_WEIGHTS)[0]
            engagement = date(year, month, rng.randint(1, 28))
            debut = engagement - timedelta(days=rng.randint(0, 20))
            niveau = int(cert[2])
            months = rng.choice((6, 9, 12, 12) if niveau <= 3 else (12, 12, 18, 24, 24))
            fin = _add_months(debut, months) - timedelta(days=1)
            partiel = branche in ("BAD", "FAMILLES_RURALES") and rng.random() < 0.3
            duree = rng.choice((24.0, 26.5, 28.0, 30.0, 32.0)) if partiel else 35.0
            heures = round(months * 151.67 * rng.uniform(0.15, 0.25) * 2) / 2
            femme = rng.random() < BRANCH_PROFILES[branche].part_femmes
            salaries = employer.figures(year)[1]
            contracts.append(
                [
                    engagement,
                    debut,
                    fin,
                    employer.siret,
                    typed_branch_label(rng, branche, 0.1),
                    BRANCH_PROFILES[branche].naf,
                    str(salaries),
                    employer.commune.dep,
                    "F" if femme else "M",
                    fr_date(birth_date_for_age(rng, debut, age)),
                    _niveau_entree(rng, niveau),
                    cert[1],
                    cert[0],
                    code_rome,
                    cert[3],
                    provider.siret,
                    fr_decimal(duree),
                    fr_decimal(heures),
                ]
            )
        contracts.sort(key=lambda c: (c[0], c[3]))
        for seq, c in enumerate(contracts, start=1):
            engagement, debut, fin = c[:3]
            rows.append(
                [
                    f"CPRO-{year}-{seq:05d}",
                    str(year),
                    fr_date(engagement),
                    fr_date(debut),
                    fr_date(fin),
                    *c[3:],
                ]
            )
    return rows


# --- France Travail job offers ---------------------------------------------------------------------


# Per fiche (and "other"): share of offers, ROME 4.0 codes (weights), part-time share, qualification
# codes, salary (kind, low, high), NAF of employers that are not members, extra titles, missions.
@dataclass(frozen=True)
class OfferProfile:
    part: float
    codes: dict[str, float]
    temps_partiel: float
    qualifications: tuple[str, ...]
    salaire: tuple[str, float, float]
    naf: tuple[str, ...]
    employeurs: tuple[str, ...]
    titres: tuple[str, ...]
    missions: tuple[str, ...]


OFFER_PROFILES = {
    "aide-a-domicile": OfferProfile(
        28, {"K1302": 6, "K1304": 3, "K1306": 3, "K1311": 4, "K1312": 0.3}, 0.55, ("5", "6", "6"),
        ("horaire", 0, 1.6), ("88.10A", "88.10B", "87.10A"),
        ("Service d'aide à domicile {c}", "Domicile Services {c}", "Résidence autonomie {c}", "EHPAD {c}"),
        ("Aide à domicile H/F", "Auxiliaire de vie (H/F)", "Assistant de vie aux familles", "Aide à domicile"),
        ("Vous accompagnez des personnes âgées ou en situation de handicap dans les actes de la vie quotidienne.",
         "Vous assurez l'entretien du logement, la préparation des repas et l'aide aux courses.",
         "Vous aidez à la toilette, à l'habillage et à la prise des repas.",
         "Vous favorisez le maintien de l'autonomie et le lien social des personnes accompagnées.",
         "Interventions au domicile des bénéficiaires sur le secteur de {c} et alentours.")),
    "animation-socioculturelle": OfferProfile(
        18, {"G1202": 3, "G1203": 5, "K1206": 2, "G1235": 2, "G1237": 2, "G1239": 1, "G1223": 0.5, "G1236": 0.5,
             "G1238": 0.5, "G1240": 0.5, "G1241": 0.3, "G1242": 0.2, "K1217": 1.5, "K1218": 0.3, "K1219": 0.4},
        0.4, ("6", "6", "7"), ("mensuel", 1850, 2300), ("88.99B", "93.29Z", "94.99Z", "88.91A"),
        ("Accueil de loisirs de {c}", "Association socioculturelle de {c}", "Service jeunesse de {c}"),
        ("Animateur périscolaire (H/F)", "Animateur enfance jeunesse H/F", "Directeur ALSH (H/F)",
         "Animateur BAFA"),
        ("Vous concevez et animez des activités éducatives pour des enfants de 3 à 11 ans.",
         "Vous participez au projet pédagogique de la structure et à la vie de l'équipe.",
         "Vous assurez la sécurité physique et affective des publics accueillis.",
         "Temps périscolaires, mercredis et vacances scolaires sur la commune de {c}.",
         "Vous développez des projets avec les habitants et les partenaires du territoire.")),
    "intervention-sociale-familiale": OfferProfile(
        3, {"K1305": 1}, 0.3, ("6", "7"), ("mensuel", 1950, 2250), ("88.10A", "88.99B"),
        ("Service d'aide aux familles {c}",), ("Technicien de l'intervention sociale et familiale (TISF) H/F",),
        ("Vous intervenez auprès de familles fragilisées dans le cadre de la protection de l'enfance.",
         "Vous accompagnez les parents dans l'organisation de la vie quotidienne et l'éducation des enfants.",
         "Vous travaillez en lien avec les travailleurs sociaux du département.")),
    "accompagnement-medico-social": OfferProfile(
        2, {"K1301": 1}, 0.2, ("6", "7"), ("mensuel", 1900, 2200), ("88.10B", "87.10A"),
        ("Institut pour déficients visuels de {c}",), ("Instructeur en locomotion H/F",),
        ("Vous accompagnez des personnes déficientes visuelles vers l'autonomie dans leurs déplacements.",
         "Vous évaluez les besoins et construisez des programmes individualisés.")),
    "action-sociale": OfferProfile(
        8, {"K1201": 3, "K1205": 2, "K1225": 1.5, "K1221": 0.5, "K1214": 0.2}, 0.15, ("7", "7", "8"),
        ("mensuel", 2050, 2600), ("88.99B", "87.90B", "84.30A"),
        ("Centre communal d'action sociale de {c}", "Association d'entraide de {c}"),
        ("Travailleur social H/F", "Conseiller en économie sociale et familiale (CESF)", "Agent d'accueil social"),
        ("Vous accueillez, informez et orientez les personnes en difficulté sociale.",
         "Vous réalisez des diagnostics sociaux et accompagnez les ménages dans leurs démarches.",
         "Vous animez des actions collectives autour du budget et du logement.",
         "Vous travaillez en réseau avec les partenaires sociaux de {c}.")),
    "insertion-professionnelle": OfferProfile(
        5, {"K1801": 3, "K1804": 0.5, "K1812": 1, "K1814": 1.5, "K1815": 1}, 0.1, ("7", "7", "8"),
        ("mensuel", 2000, 2500), ("88.99B", "78.10Z", "85.59A"),
        ("Structure d'insertion de {c}", "Agence emploi {c}"),
        ("Conseiller en insertion professionnelle H/F", "Chargé d'accompagnement emploi", "Conseiller emploi (H/F)"),
        ("Vous accompagnez des demandeurs d'emploi dans la construction de leur parcours professionnel.",
         "Vous développez des relations avec les entreprises du bassin de {c}.",
         "Vous animez des ateliers collectifs de recherche d'emploi.")),
    "droit-protection-sociale": OfferProfile(
        2, {"K1903": 3, "K1906": 0.7, "K1908": 1}, 0.05, ("7", "9", "9"), ("annuel", 30000, 45000),
        ("84.30A", "65.12Z", "69.10Z"), ("Cabinet juridique de {c}",),
        ("Juriste droit social H/F", "Juriste protection sociale", "Gestionnaire contentieux (H/F)"),
        ("Vous traitez les dossiers contentieux et précontentieux de l'organisme.",
         "Vous assurez une veille juridique sur la législation de la protection sociale.",
         "Vous conseillez les services sur l'application de la réglementation.")),
    "assistance-dentaire": OfferProfile(
        3, {"J1312": 5, "J1303": 1}, 0.2, ("6",), ("mensuel", 1850, 2200), ("86.23Z",),
        ("Cabinet dentaire de {c}", "Centre dentaire de {c}"), ("Assistant dentaire H/F", "Aide dentaire (H/F)"),
        ("Vous assistez le praticien au fauteuil et préparez le matériel de soins.",
         "Vous assurez la stérilisation, l'accueil des patients et la gestion des rendez-vous.",
         "Formation d'assistant dentaire possible en contrat de professionnalisation.")),
    "ressources-humaines": OfferProfile(
        6, {"M1502": 3, "M1503": 1, "M1504": 0.7, "M1505": 0.7, "M1506": 1.5, "M1508": 0.3, "M1509": 1,
            "M1510": 0.2, "M1511": 0.2, "M1512": 0.3, "G1219": 0.1}, 0.1, ("7", "8", "9"),
        ("annuel", 28000, 52000), ("70.22Z", "78.10Z", "82.11Z"), ("Groupe {c} Services", "Cabinet RH de {c}"),
        ("Chargé de recrutement H/F", "Responsable ressources humaines (H/F)", "Gestionnaire RH"),
        ("Vous pilotez les recrutements et l'intégration des nouveaux salariés.",
         "Vous gérez l'administration du personnel et le dialogue social.",
         "Vous élaborez le plan de développement des compétences.")),
    "comptabilite": OfferProfile(
        8, {"M1203": 3, "M1206": 1, "M1213": 2.5, "M1217": 0.3, "M1225": 1, "M1507": 2}, 0.12, ("6", "7", "7", "9"),
        ("annuel", 24000, 40000), ("69.20Z", "82.11Z"), ("Cabinet d'expertise comptable de {c}", "Fiduciaire {c}"),
        ("Comptable H/F", "Assistant comptable (H/F)", "Gestionnaire de paie H/F", "Comptable unique"),
        ("Vous tenez la comptabilité générale et préparez les déclarations fiscales.",
         "Vous établissez les bulletins de paie et les déclarations sociales.",
         "Vous participez aux clôtures mensuelles et annuelles.")),
    "gardien-immeuble": OfferProfile(
        2, {"K2501": 1}, 0.1, ("5", "6"), ("mensuel", 1800, 2100), ("68.32A", "68.20A"),
        ("Syndic de copropriété de {c}",), ("Gardien d'immeuble H/F", "Gardien logé (H/F)"),
        ("Vous assurez l'entretien des parties communes et la sortie des conteneurs.",
         "Vous êtes l'interlocuteur des locataires et traitez les réclamations techniques.",
         "Logement de fonction sur place à {c}.")),
    "other": OfferProfile(
        15, {"J1501": 3, "N4101": 2, "G1602": 2, "K2204": 2, "D1507": 2, "G1603": 1, "N4105": 1.5, "K2111": 1,
             "J1506": 2, "M1607": 2, "D1505": 1.5}, 0.25, ("3", "5", "6", "6"), ("horaire", 0, 2.0),
        ("86.10Z", "87.10A", "49.41A", "56.10A", "56.10C", "47.11F", "81.21Z"),
        ("Société {c} Distribution", "Transports de {c}", "Restaurant de {c}", "Clinique de {c}"),
        (), ("Vous rejoignez une équipe dynamique et participez à l'activité quotidienne du site de {c}.",
             "Vous respectez les règles d'hygiène et de sécurité en vigueur.")),
}  # fmt: skip

COMMON_SENTENCES = (
    "Poste à pourvoir dès que possible.",
    "Permis B et véhicule indispensables.",
    "Vous êtes rigoureux, autonome et avez le sens du service.",
    "Rémunération selon la convention collective et l'expérience.",
    "Travail un week-end sur deux.",
    "Débutants acceptés : une formation en interne est prévue.",
    "Rejoignez une structure à taille humaine attachée à ses valeurs.",
    "Mutuelle d'entreprise et indemnités kilométriques.",
)
MONTH_WEIGHTS = (1.0, 0.95, 1.1, 1.15, 1.1, 1.05, 0.85, 0.65, 1.15, 1.05, 0.95, 0.7)
SEASONAL = {
    "animation-socioculturelle": {3: 1.4, 4: 1.6, 5: 1.5, 6: 1.3, 7: 0.8, 8: 1.2, 9: 1.3, 12: 0.6},
    "aide-a-domicile": {5: 1.3, 6: 1.4, 7: 1.1, 12: 0.8},
}
QUALIFICATIONS = {
    "1": "Manœuvre", "2": "Ouvrier spécialisé", "3": "Ouvrier qualifié (P1,P2)",
    "4": "Ouvrier qualifié (P3,P4,OHQ)", "5": "Employé non qualifié", "6": "Employé qualifié",
    "7": "Technicien", "8": "Agent de maîtrise", "9": "Cadre",
}  # fmt: skip
TRANCHES = (
    (0, "0 salarié"), (1, "1 ou 2 salariés"), (3, "3 à 5 salariés"), (6, "6 à 9 salariés"),
    (10, "10 à 19 salariés"), (20, "20 à 49 salariés"), (50, "50 à 99 salariés"), (100, "100 à 199 salariés"),
    (200, "200 à 249 salariés"), (250, "250 à 499 salariés"), (500, "500 à 999 salariés"),
    (1000, "1000 à 1999 salariés"), (2000, "2000 à 4999 salariés"),
)  # fmt: skip
PARTNERS = ("HELLOWORK", "STAFFSANTE", "ANIMJOBS", "JOBSOCIAL")
PRENOMS = (
    "Claire",
    "Julie",
    "Sophie",
    "Nathalie",
    "Camille",
    "Marie",
    "Thomas",
    "Nicolas",
    "Pierre",
    "Laura",
)
NOMS = ("Martin", "Bernard", "Durand", "Petit", "Leroy", "Moreau", "Simon", "Laurent", "Guérin", "Chevalier")
FORMATION_NIVEAUX = ("CAP, BEP et équivalents", "Bac ou équivalent", "Bac+2 ou équivalents",
                     "Bac+3, Bac+4 ou équivalents", "Bac+5 et plus ou équivalents")  # fmt: skip
ROME_LABEL = {code: label for code, label, _ in ROME_CODES}
ROME_PARENT = {code: parent for code, _, parent in ROME_CODES}
FICHE_OF_CODE = {code: fiche_id for fiche_id, _, codes, _ in FICHES for code in codes}
FICHE_BRANCHES = {fiche_id: branches for fiche_id, _, _, branches in FICHES}
START, END = date(2024, 1, 1), date(2025, 12, 31)


def _months() -> list[tuple[int, int]]:
    return [(y, m) for y in (2024, 2025) for m in range(1, 13)]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _hours_label(hours: float) -> str:
    whole = int(hours)
    return f"{whole}H" + ("30" if hours != whole else "")


def _tranche(headcount: int) -> str:
    return [label for lower, label in TRANCHES if headcount >= lower][-1]


def _description(
    rng: random.Random, profile: OfferProfile, nom: str | None, titre: str, commune: Commune
) -> str:
    intro = f"{nom} recrute : {titre}." if nom else f"Nous recrutons : {titre}."
    sentences = [intro]
    pool = [place(s, commune) for s in profile.missions] + list(COMMON_SENTENCES)
    extra = rng.sample(pool, len(pool))
    # mostly short texts (the sample must stay small), sometimes up to 400 characters
    target = rng.randint(150, 400) if rng.random() < 0.15 else rng.randint(150, 210)
    text = intro
    for sentence in extra:
        if len(text) >= target:
            break
        if len(text) + 1 + len(sentence) > 400:
            continue
        sentences.append(sentence)
        text = " ".join(sentences)
    return text


def _contract(rng: random.Random, fiche: str, alternance: bool) -> tuple[str, str, str]:
    if alternance:
        nature = "Contrat apprentissage" if rng.random() < 0.6 else "Cont. professionnalisation"
        if rng.random() < 0.2:
            return "CDI", "Contrat à durée indéterminée", nature
        return "CDD", f"Contrat à durée déterminée - {rng.choice((12, 12, 24, 18))} Mois", nature
    weights = {"CDI": 49.5, "CDD": 29.5, "MIS": 14, "SAI": 2.5, "LIB": 1.5, "FRA": 1.5}
    if fiche == "animation-socioculturelle":
        weights = {"CDI": 36, "CDD": 46, "MIS": 5, "SAI": 11, "LIB": 1, "FRA": 1}
    kind = weighted_choice(rng, weights)
    if kind == "CDI":
        return kind, "Contrat à durée indéterminée", "Contrat travail"
    if kind == "CDD":
        if rng.random() < 0.1:
            return (
                kind,
                f"Contrat à durée déterminée - {rng.choice((5, 10, 15, 21, 30))} Jour(s)",
                "Contrat travail",
            )
        months = rng.choice((1, 2, 3, 4, 6, 6, 6, 8, 9, 12, 12, 18, 24))
        return kind, f"Contrat à durée déterminée - {months} Mois", "Contrat travail"
    if kind == "MIS":
        if rng.random() < 0.15:
            return kind, f"Mission intérimaire - {rng.choice((5, 10, 15))} Jour(s)", "Contrat travail"
        label = rng.choice(("Mission intérimaire", "Contrat travail temporaire"))
        return kind, f"{label} - {rng.randint(1, 6)} Mois", "Contrat travail"
    if kind == "SAI":
        return kind, f"Contrat travail saisonnier - {rng.randint(1, 4)} Mois", "Contrat travail"
    if kind == "LIB":
        return kind, "Profession libérale", "Emploi non salarié"
    return kind, "Franchise", "Emploi non salarié"


def _salary(rng: random.Random, profile: OfferProfile, created: datetime, partiel: bool) -> dict:
    roll = rng.random()
    if roll < 0.15:
        return {}
    if roll < 0.25:
        return {"commentaire": "Selon la grille de la convention collective"}
    smic = 11.88 if created >= datetime(2024, 11, 1) else 11.65
    kind, low, high = profile.salaire
    months = rng.choice((12, 12, 12, 13))
    if kind == "horaire" or (partiel and kind == "mensuel" and rng.random() < 0.5):
        lo = round(smic + rng.uniform(0, high if kind == "horaire" else 1.5), 2)
        if rng.random() < 0.5:
            label = f"Horaire de {lo:.2f} Euros sur {months} mois"
        else:
            label = (
                f"Horaire de {lo:.2f} Euros à {lo + rng.choice((0.5, 1.0, 1.5)):.2f} Euros sur {months} mois"
            )
    elif kind == "mensuel":
        lo = round(rng.uniform(low, high) / 50) * 50
        if rng.random() < 0.5:
            label = f"Mensuel de {lo:.2f} Euros sur {months} mois"
        else:
            label = (
                f"Mensuel de {lo:.2f} Euros à {lo + rng.choice((100, 200, 300)):.2f} Euros sur {months} mois"
            )
    else:
        lo = round(rng.uniform(low, high) / 500) * 500
        if rng.random() < 0.4:
            label = f"Annuel de {lo:.2f} Euros sur {months} mois"
        else:
            label = f"Annuel de {lo:.2f} Euros à {lo + rng.choice((2000, 4000, 6000)):.2f} Euros sur {months} mois"
    salaire = {"libelle": label}
    if rng.random() < 0.3:
        salaire["complement1"] = rng.choice(
            ("Mutuelle", "Indemnités kilométriques", "Prime", "Véhicule de service")
        )
        if rng.random() < 0.3:
            salaire["complement2"] = "Titre-restaurant / Prime de panier"
    return salaire


def _new_id(rng: random.Random, partner: bool, used: set) -> str | int:
    while True:
        if partner:
            value: str | int = rng.randint(100_000_000, 999_999_999)
        else:
            value = f"{rng.randint(170, 199)}" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTVWXYZ", k=4))
        if value not in used:
            used.add(value)
            return value


def _offer(
    rng: random.Random,
    created: datetime,
    fiche: str,
    employers_by_branch: dict[str, list[Employer]],
    used_ids: set,
) -> dict:
    profile = OFFER_PROFILES[fiche]
    code = weighted_choice(rng, profile.codes)
    partner = rng.random() < (0.2 if created.year == 2024 else 0.27)
    outside = rng.random() < 0.03
    employer = None
    if fiche != "other" and not outside and rng.random() < 0.45:
        candidates = [
            e for b in FICHE_BRANCHES[fiche] for e in employers_by_branch[b] if e.membre(created.year)
        ]
        employer = rng.choices(
            candidates, weights=[math.sqrt(e.figures(created.year)[1]) for e in candidates]
        )[0]
    commune = (
        employer.commune
        if employer
        else pick_commune(rng, COMMUNES_HORS_REGION if outside else COMMUNES_REGION)
    )
    if employer:
        nom = employer.nom
        naf = BRANCH_PROFILES[employer.branche].naf
        tranche = _tranche(employer.figures(created.year)[1])
    else:
        nom = place(rng.choice(profile.employeurs), commune) if rng.random() < 0.85 else None
        naf = rng.choice(profile.naf)
        tranche = TRANCHES[rng.randint(1, 8)][1]
    appellations = APPELLATIONS[code]
    titre = rng.choice(appellations + profile.titres) if profile.titres and rng.random() < 0.4 else None
    appellation = rng.choice(appellations)
    if titre is None:
        titre = appellation + rng.choice(("", " (H/F)", " H/F"))
    alternance = rng.random() < 0.05
    kind, kind_label, nature = _contract(rng, fiche, alternance)
    partiel = rng.random() < profile.temps_partiel
    hours = rng.choice((10, 12, 15, 17.5, 20, 24, 24, 25, 26, 28, 28.5, 30, 30, 32)) if partiel else None
    if not partiel:
        hours = rng.choices((35, 39, 37), weights=(85, 10, 5))[0]
    experience = weighted_choice(rng, {"D": 45, "S": 35, "E": 20})
    if experience == "D":
        experience_label = "Débutant accepté"
    elif experience == "S":
        experience_label = rng.choice(
            ("Expérience souhaitée", f"{rng.randint(1, 3)} an(s) - Expérience souhaitée")
        )
    else:
        experience_label = rng.choice(
            (f"{rng.randint(1, 5)} An(s)", "6 Mois", f"Expérience exigée de {rng.randint(1, 3)} An(s)")
        )
    updated = min(
        created + timedelta(seconds=rng.choice((0, rng.randint(60, 12 * 86400)))), datetime(2025, 12, 31, 21)
    )
    offer_id = _new_id(rng, partner, used_ids)
    description = _description(rng, profile, None if partner else nom, titre, commune)
    lieu = {"libelle": f"{commune.dep} - {commune.libelle}"}
    if not partner:
        lieu["latitude"] = round(commune.lat + rng.uniform(-0.01, 0.01), 6)
        lieu["longitude"] = round(commune.lon + rng.uniform(-0.01, 0.01), 6)
    lieu["codePostal"] = commune.code_postal
    lieu["commune"] = commune.code
    offer: dict = {
        "id": offer_id,
        "intitule": titre,
        "description": description,
        "dateCreation": _iso(created),
        "dateActualisation": _iso(updated),
        "lieuTravail": lieu,
        "romeCode": code,
        "romeLibelle": ROME_LABEL[code],
        "appellationlibelle": appellation,
        "entreprise": {}
        if partner
        else ({"nom": nom, "entrepriseAdaptee": False} if nom else {"entrepriseAdaptee": False}),
        "typeContrat": kind,
        "typeContratLibelle": kind_label,
        "natureContrat": nature,
        "experienceExige": experience,
        "experienceLibelle": experience_label,
    }
    if partner:
        offer["salaire"] = {}
        if rng.random() < 0.5:
            offer["dureeTravailLibelleConverti"] = "Temps partiel" if partiel else "Temps plein"
        offer["alternance"] = alternance
        offer["nombrePostes"] = 1
        offer["accessibleTH"] = False
        partenaire = rng.choice(PARTNERS)
        url = f"https://www.{partenaire.lower()}.example/offres/{offer_id}"
        offer["origineOffre"] = {
            "origine": "2",
            "urlOrigine": url,
            "partenaires": [
                {
                    "nom": partenaire,
                    "url": url,
                    "logo": f"https://www.francetravail.fr/logos/{partenaire.lower()}.png",
                }
            ],
        }
        return offer
    if rng.random() < 0.15:
        cert_domaine = rng.choice(FORMATION_NIVEAUX)
        offer["formations"] = [
            {
                "codeFormation": "44028",
                "domaineLibelle": "Travail social",
                "niveauLibelle": cert_domaine,
                "exigence": rng.choice("SE"),
            }
        ]
    else:
        offer["formations"] = []
    offer["salaire"] = _salary(rng, profile, created, partiel)
    if rng.random() >= 0.08:
        condition = rng.choice(("Horaires normaux", "Travail en journée", "Travail samedi et dimanche"))
        if created < datetime(2025, 4, 1):
            offer["dureeTravailLibelle"] = f"{_hours_label(hours)} {condition}"
        else:
            condition = rng.choice(("Travail en journée", "Travail en équipe", "Travail samedi et dimanche"))
            offer["dureeTravailLibelle"] = f"{_hours_label(hours)}/semaine\n{condition}"
    offer["dureeTravailLibelleConverti"] = "Temps partiel" if partiel else "Temps plein"
    offer["alternance"] = alternance
    if rng.random() < 0.3:
        prenom, nom_contact = rng.choice(PRENOMS), rng.choice(NOMS)
        courriel = f"{normalise_label(prenom)}.{normalise_label(nom_contact)}@example.org"
        offer["contact"] = {
            "nom": f"{rng.choice(('Mme', 'M.'))} {prenom} {nom_contact}",
            "coordonnees1": f"Courriel : {courriel}",
            "courriel": courriel,
        }
    postes = 1 if rng.random() < 0.85 else rng.randint(2, 5 if fiche == "aide-a-domicile" else 3)
    offer["nombrePostes"] = postes
    offer["accessibleTH"] = rng.random() < 0.2
    qualification = rng.choice(profile.qualifications)
    offer["qualificationCode"] = qualification
    offer["qualificationLibelle"] = QUALIFICATIONS[qualification]
    if nom:
        offer["codeNAF"] = naf
        offer["secteurActivite"] = naf[:2]
        offer["secteurActiviteLibelle"] = NAF_LABELS[naf]
        offer["trancheEffectifEtab"] = tranche
    offer["origineOffre"] = {
        "origine": "1",
        "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/{offer_id}",
    }
    return offer


def build_offers(rng: random.Random, employers: Sequence[Employer]) -> dict[tuple[int, int], list[dict]]:
    """Offers by (year, month) of the file they are delivered in; updates reappear in a later file."""
    months = _months()
    raw = [MONTH_WEIGHTS[m - 1] * (1.04 if y == 2025 else 1.0) for y, m in months]
    exact = [N_OFFRES * w / sum(raw) for w in raw]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))[: N_OFFRES - sum(counts)]:
        counts[i] += 1
    employers_by_branch: dict[str, list[Employer]] = {code: [] for code, _, _ in BRANCHES}
    for e in employers:
        employers_by_branch[e.branche].append(e)
    used_ids: set = set()
    files: dict[tuple[int, int], list[dict]] = {}
    for (year, month), count in zip(months, counts, strict=True):
        fiche_weights = {f: p.part * SEASONAL.get(f, {}).get(month, 1.0) for f, p in OFFER_PROFILES.items()}
        start = datetime(year, month, 1)
        days = ((datetime(year + month // 12, month % 12 + 1, 1)) - start).days
        offers = []
        for _ in range(count):
            created = start + timedelta(days=rng.randrange(days), seconds=rng.randint(6 * 3600, 20 * 3600))
            offers.append(
                _offer(rng, created, weighted_choice(rng, fiche_weights), employers_by_branch, used_ids)
            )
        offers.sort(key=lambda o: (o["dateCreation"], str(o["id"])))
        files[(year, month)] = offers
    # Updates: a later version of some offers, delivered in the file of the month of the update.
    candidates = [o for key in months[:-1] for o in files[key]]
    for offer in rng.sample(candidates, N_OFFRES_MISES_A_JOUR):
        previous = datetime.strptime(offer["dateActualisation"], "%Y-%m-%dT%H:%M:%S.000Z")
        updated = previous + timedelta(days=rng.randint(15, 50), seconds=rng.randint(0, 3600))
        created = datetime.strptime(offer["dateCreation"], "%Y-%m-%dT%H:%M:%S.000Z")
        next_month = datetime(created.year + created.month // 12, created.month % 12 + 1, 1, 8)
        updated = max(updated, next_month + timedelta(seconds=rng.randint(0, 86400 * 5)))
        if updated > datetime(2025, 12, 31, 21):
            continue
        newer = json.loads(json.dumps(offer))
        newer["dateActualisation"] = _iso(updated)
        if "nombrePostes" in newer and rng.random() < 0.5:
            newer["nombrePostes"] += 1
        else:
            newer["description"] += " Offre toujours d'actualité."
        files[(updated.year, updated.month)].append(newer)
    return files


# --- Writing -----------------------------------------------------------------------------------------


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _filtres_possibles(offers: Sequence[dict]) -> list[dict]:
    filtres = []
    for filtre, key in (
        ("typeContrat", "typeContrat"),
        ("experience", "experienceExige"),
        ("qualification", "qualificationCode"),
        ("natureContrat", "natureContrat"),
    ):
        counts = Counter(str(o[key]) for o in offers if key in o)
        filtres.append(
            {
                "filtre": filtre,
                "agregation": [{"valeurPossible": v, "nbResultats": counts[v]} for v in sorted(counts)],
            }
        )
    return filtres


def reference_files() -> dict[str, str]:
    """The curated reference seeds, by file name, as text."""
    communes = [
        (c.code, c.libelle, c.dep, c.region, c.ze, c.libze) for c in sorted(COMMUNES, key=lambda c: c.code)
    ]
    fiches = [
        (fiche_id, label, code, "|".join(branches))
        for fiche_id, label, codes, branches in FICHES
        for code in codes
    ]
    certifications = [
        (code, intitule, niveau, formacode, domaine, "|".join(romes))
        for code, intitule, niveau, formacode, domaine, romes in CERTIFICATIONS
    ]
    return {
        "rome_codes.csv": _csv_text(("code_rome", "libelle_rome", "code_rome_parent"), ROME_CODES),
        "departements.csv": _csv_text(
            ("code_departement", "libelle_departement", "code_region"), sorted(DEPARTEMENTS)
        ),
        "communes.csv": _csv_text(
            (
                "code_commune",
                "libelle_commune",
                "code_departement",
                "code_region",
                "code_zone_emploi",
                "libelle_zone_emploi",
            ),
            communes,
        ),
        "branches.csv": _csv_text(
            ("code_branche", "libelle_branche", "synonymes"),
            [(code, label, "|".join(synonyms)) for code, label, synonyms in BRANCHES],
        ),
        "certifications.csv": _csv_text(
            (
                "code_certification",
                "intitule_certification",
                "niveau",
                "formacode",
                "domaine_formacode",
                "codes_rome",
            ),
            certifications,
        ),
        "fiches_metiers.csv": _csv_text(("fiche_id", "libelle_fiche", "code_rome", "branches"), fiches),
    }


CONTRATS_HEADER = [
    "num_contrat",
    "annee_engagement",
    "date_engagement",
    "date_debut",
    "date_fin",
    "siret_employeur",
    "branche",
    "code_naf",
    "effectif_entreprise",
    "departement_etablissement",
    "sexe",
    "date_naissance",
    "niveau_entree",
    "diplome_prepare",
    "code_rncp",
    "code_rome",
    "formacode",
    "siret_organisme_formation",
    "duree_hebdo",
    "heures_formation",
]
ADHERENTS_HEADER = (
    "annee",
    "siret",
    "raison_sociale",
    "branche",
    "code_naf",
    "departement",
    "effectif_etp",
    "salaries_physiques",
    "dont_femmes",
)
AGREMENTS_HEADER = (
    "siret",
    "nda",
    "raison_sociale",
    "code_certification",
    "intitule_certification",
    "departements",
    "date_debut",
    "date_fin",
    "qualiopi",
)


def landing_files() -> dict[str, bytes]:
    """The sample landing folder, by relative path, as bytes."""
    rng = random.Random(SEED)
    sirets: set[str] = set()
    employers = build_employers(rng, sirets)
    agreed, others = build_providers(rng, sirets)
    files: dict[str, bytes] = {}
    adherents = adherents_rows(rng, employers)
    files["uniformation/adherents_2021_2025.csv"] = _csv_text(ADHERENTS_HEADER, adherents, ";").encode(
        "cp1252"
    )
    contrats = contrats_rows(rng, employers, agreed, others)
    files["uniformation/contrats_2021_2025.csv"] = _csv_text(CONTRATS_HEADER, contrats, ";").encode(
        "utf-8-sig"
    )
    agrements = agrements_rows(rng, agreed)
    files["agrements/agrements_region_2025.csv"] = _csv_text(AGREMENTS_HEADER, agrements, ";").encode("utf-8")
    lines = [";".join(ORGANISMES_HEADER) + ";", *organismes_lines(rng, [*agreed, *others])]
    files["organismes/liste_publique_of_extrait.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    for (year, month), offers in build_offers(rng, employers).items():
        stem = f"francetravail/offres_{year}-{month:02d}"
        if year == 2024:  # API response bodies
            body = {"resultats": offers, "filtresPossibles": _filtres_possibles(offers)}
            files[f"{stem}.json"] = (_dumps(body) + "\n").encode("utf-8")
        elif month < 12:  # one offer per line
            files[f"{stem}.ndjson"] = "".join(_dumps(o) + "\n" for o in offers).encode("utf-8")
        else:  # a plain JSON array
            files[f"{stem}.json"] = ("[\n" + ",\n".join(_dumps(o) for o in offers) + "\n]\n").encode("utf-8")
    return files


def generate(out: Path) -> list[Path]:
    """Write ``out/reference/*.csv`` and ``out/sample/landing/**``; returns the files written."""
    out = Path(out)
    written = [
        _write(out / "reference" / name, text.encode("utf-8")) for name, text in reference_files().items()
    ]
    landing = out / "sample" / "landing"
    if landing.exists():  # the folder is wholly generated: drop files of earlier versions
        shutil.rmtree(landing)
    written += [_write(landing / rel, data) for rel, data in sorted(landing_files().items())]
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help="folder receiving reference/ and sample/landing/ (default: the project's seeds/)",
    )
    args = parser.parse_args(argv)
    written = generate(Path(args.out))
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} files written under {args.out} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
