"""Documents for the index tests: deterministic news-like texts, and copies with small edits."""

from __future__ import annotations

import random

from nearsame.document import Document

_WORDS = [
    "gouvernement",
    "ministre",
    "président",
    "assemblée",
    "député",
    "sénateur",
    "élection",
    "campagne",
    "réforme",
    "budget",
    "impôt",
    "retraite",
    "salaire",
    "emploi",
    "chômage",
    "entreprise",
    "usine",
    "ouvrier",
    "syndicat",
    "grève",
    "manifestation",
    "police",
    "gendarmerie",
    "tribunal",
    "juge",
    "procès",
    "enquête",
    "victime",
    "témoin",
    "incendie",
    "accident",
    "route",
    "train",
    "avion",
    "aéroport",
    "port",
    "navire",
    "pêcheur",
    "agriculteur",
    "récolte",
    "sécheresse",
    "pluie",
    "orage",
    "tempête",
    "neige",
    "montagne",
    "rivière",
    "forêt",
    "village",
    "commune",
    "région",
    "département",
    "préfet",
    "maire",
    "conseil",
    "hôpital",
    "médecin",
    "patient",
    "vaccin",
    "épidémie",
    "école",
    "élève",
    "professeur",
    "université",
    "étudiant",
    "recherche",
    "laboratoire",
    "chercheur",
    "découverte",
    "musée",
    "exposition",
    "concert",
    "festival",
    "théâtre",
    "cinéma",
    "film",
    "acteur",
    "chanteur",
    "livre",
    "auteur",
    "roman",
    "prix",
    "football",
    "match",
    "équipe",
    "joueur",
    "entraîneur",
    "stade",
    "championnat",
    "victoire",
    "défaite",
    "banque",
    "crédit",
    "marché",
    "bourse",
    "action",
    "investisseur",
    "croissance",
    "inflation",
    "énergie",
    "électricité",
    "pétrole",
    "gaz",
    "nucléaire",
    "éolienne",
    "solaire",
    "climat",
    "pollution",
]
_GLUE = [
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "dans",
    "sur",
    "avec",
    "pour",
    "par",
    "selon",
    "après",
    "avant",
    "contre",
]


def _made_up(rng: random.Random) -> str:
    return "".join(
        rng.choice("bcdfglmnprstv") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
    )


def sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(9, 16)):
        roll = rng.random()
        words.append(
            rng.choice(_GLUE) if roll < 0.3 else rng.choice(_WORDS) if roll < 0.5 else _made_up(rng)
        )
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article(seed: int, sentences: int = 8) -> str:
    """A French-like article of ``sentences`` sentences, the same for the same seed."""
    rng = random.Random(seed)
    return " ".join(sentence(rng) for _ in range(sentences))


def edited(text: str, seed: int) -> str:
    """``text`` with one word changed: a near-duplicate."""
    rng = random.Random(seed)
    words = text.split(" ")
    words[rng.randrange(1, len(words) - 1)] = rng.choice(_WORDS)
    return " ".join(words)


def doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, text=text, language="fr")
