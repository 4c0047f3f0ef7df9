"""Printed invoices of layouts and wordings the processors were not written against, generated
with their truth, and the five core fields scored on them.

Usage:
    python bench/invoice_variants.py [--count 120] [--seed 20261202] [--out DIR] [--misses]

Each invoice is a text PDF (fpdf2, DejaVu Sans where installed) drawn from independent choices:
language (en, de, fr, nl, es, it), where the seller is named (a letterhead, a block at the top
right, a block under a seller heading, only a sender line above the buyer's window address),
the buyer's block and its heading, the number's and the date's label and the date's form
(numeric, written month, ISO, "Nr. 12 vom 5.3.2024"), the totals (one rate, two rates with a
per-rate table, a column-header row "Net | VAT | Gross" with the values under it), the number
format (1,234.56 or 1.234,56) and the currency (a code or a sign, before or after). The
choices are printed per dimension with the share of fields right, so a weak layout shows by
name. Every document runs through the real pipeline (``tasks.extract_task``, then the
``auto`` processor); nothing here is read by the app.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import matches  # noqa: E402

from docrouter_desktop.core import tasks  # noqa: E402
from docrouter_desktop.core.extraction.extract import ExtractOptions  # noqa: E402
from docrouter_desktop.core.processors.base import ProcessorOptions  # noqa: E402
from docrouter_desktop.core.processors.run import run_processor  # noqa: E402

FIELDS = ("vendor", "invoice_number", "date", "currency", "total")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

LANG = {
    "en": {
        "title": ["INVOICE", "Tax Invoice", "Invoice"],
        "number": ["Invoice No:", "Invoice #", "Invoice Number:", "Inv. No."],
        "date": ["Invoice Date:", "Date:", "Date of issue:"],
        "seller": ["Seller:", "Supplier:", "From:"],
        "buyer": ["Bill To:", "Customer:", "Invoice to:", "Sold to:"],
        "desc": ["Description", "Qty", "Unit price", "Amount"],
        "net": ["Subtotal", "Net amount", "Total excl. VAT"],
        "tax": ["VAT", "Tax"],
        "gross": ["Total", "Total due", "Amount due", "Grand total", "Total incl. VAT"],
        "forms": ["Ltd", "Limited", "LLC", "Inc."],
        "words": ["Bluebird", "Harbour", "Northgate", "Kestrel", "Oakfield", "Granite"],
        "trades": ["Design", "Logistics", "Consulting", "Supplies", "Print", "Systems"],
        "streets": ["High Street", "King Road", "Mill Lane", "Station Road"],
        "towns": ["London EC1A 1BB", "Leeds LS1 4AP", "Bristol BS1 5TR"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "currency": ["GBP", "£", "USD", "$"],
        "decimal": ".",
    },
    "de": {
        "title": ["RECHNUNG", "Rechnung"],
        "number": ["Rechnungsnummer:", "Rechnung Nr.", "Rechnungs-Nr.:", "Beleg-Nr.:"],
        "date": ["Rechnungsdatum:", "Datum:"],
        "seller": ["Verkäufer:", "Lieferant:", "Rechnungssteller:"],
        "buyer": ["Rechnungsadresse:", "Kunde:", "Empfänger:", "Käufer:"],
        "desc": ["Beschreibung", "Menge", "Einzelpreis", "Betrag"],
        "net": ["Nettobetrag", "Zwischensumme", "Summe netto"],
        "tax": ["MwSt.", "USt."],
        "gross": ["Gesamtbetrag", "Rechnungsbetrag", "Zu zahlen", "Summe brutto", "Endbetrag"],
        "forms": ["GmbH", "AG", "KG", "GmbH & Co. KG"],
        "words": ["Nordlicht", "Bergblick", "Elbtal", "Sonnenhof", "Rheinwerk", "Fichte"],
        "trades": ["Werkzeuge", "Logistik", "Beratung", "Druckerei", "Technik", "Handel"],
        "streets": ["Hafenstraße", "Bahnhofstraße", "Lindenweg", "Marktplatz"],
        "towns": ["20457 Hamburg", "80331 München", "50667 Köln"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "currency": ["EUR", "€"],
        "decimal": ",",
    },
    "fr": {
        "title": ["FACTURE", "Facture"],
        "number": ["Facture n°", "N° de facture :", "Numéro de facture :", "Réf. facture :"],
        "date": ["Date de facture :", "Date :", "Date d'émission :"],
        "seller": ["Fournisseur :", "Vendeur :", "Émetteur :"],
        "buyer": ["Client :", "Adresse de facturation :", "Facturé à :"],
        "desc": ["Désignation", "Qté", "Prix unitaire", "Montant"],
        "net": ["Total HT", "Montant HT", "Sous-total"],
        "tax": ["TVA"],
        "gross": ["Total TTC", "Net à payer", "Montant TTC", "Total à payer"],
        "forms": ["SARL", "SAS", "S.A."],
        "words": ["Lumière", "Atelier", "Provence", "Bastide", "Loire", "Horizon"],
        "trades": ["Conseil", "Imprimerie", "Services", "Transports", "Bois", "Informatique"],
        "streets": ["rue des Lilas", "avenue Foch", "boulevard Voltaire", "rue de la Paix"],
        "towns": ["69003 Lyon", "75011 Paris", "13001 Marseille"],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "currency": ["EUR", "€"],
        "decimal": ",",
    },
    "nl": {
        "title": ["FACTUUR", "Factuur"],
        "number": ["Factuurnummer:", "Factuur nr.", "Factuurnr.:"],
        "date": ["Factuurdatum:", "Datum:"],
        "seller": ["Leverancier:", "Verkoper:"],
        "buyer": ["Klant:", "Factuuradres:", "Aan:"],
        "desc": ["Omschrijving", "Aantal", "Prijs", "Bedrag"],
        "net": ["Subtotaal", "Totaal excl. btw"],
        "tax": ["BTW", "btw"],
        "gross": ["Totaal", "Te betalen", "Totaal incl. btw", "Totaalbedrag"],
        "forms": ["B.V.", "N.V."],
        "words": ["Tulp", "Molen", "Kade", "Duin", "Polder", "Zeewind"],
        "trades": ["Techniek", "Advies", "Drukwerk", "Transport", "Bouw", "Software"],
        "streets": ["Kade", "Dorpsstraat", "Kerkweg", "Stationsplein"],
        "towns": ["1011 AB Amsterdam", "3511 CD Utrecht", "2511 EF Den Haag"],
        "months": [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        "currency": ["EUR", "€"],
        "decimal": ",",
    },
    "es": {
        "title": ["FACTURA", "Factura"],
        "number": ["Factura nº", "Número de factura:", "Nº factura:"],
        "date": ["Fecha:", "Fecha de factura:", "Fecha de emisión:"],
        "seller": ["Vendedor:", "Proveedor:", "Emisor:"],
        "buyer": ["Cliente:", "Facturar a:"],
        "desc": ["Concepto", "Cantidad", "Precio", "Importe"],
        "net": ["Base imponible", "Subtotal"],
        "tax": ["IVA"],
        "gross": ["Total", "Total factura", "Importe total", "Total a pagar"],
        "forms": ["S.L.", "S.A."],
        "words": ["Ibérica", "Sol", "Montaña", "Mar", "Olivo", "Sierra"],
        "trades": ["Soluciones", "Servicios", "Distribuciones", "Consultores", "Gráficas"],
        "streets": ["Calle Mayor", "Avenida de la Paz", "Calle Real"],
        "towns": ["28013 Madrid", "08002 Barcelona", "41001 Sevilla"],
        "months": [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        "currency": ["EUR", "€"],
        "decimal": ",",
    },
    "it": {
        "title": ["FATTURA", "Fattura"],
        "number": ["Fattura n.", "Numero fattura:", "N. fattura:"],
        "date": ["Data:", "Data fattura:", "Data documento:"],
        "seller": ["Fornitore:", "Venditore:", "Cedente:"],
        "buyer": ["Cliente:", "Destinatario:", "Cessionario:"],
        "desc": ["Descrizione", "Quantità", "Prezzo", "Importo"],
        "net": ["Imponibile", "Totale imponibile", "Subtotale"],
        "tax": ["IVA"],
        "gross": ["Totale", "Totale fattura", "Totale documento", "Netto a pagare"],
        "forms": ["S.r.l.", "S.p.A."],
        "words": ["Aurora", "Colline", "Laguna", "Vesuvio", "Ponte", "Olmo"],
        "trades": ["Servizi", "Tipografia", "Consulenza", "Trasporti", "Impianti"],
        "streets": ["Via Roma", "Corso Italia", "Via Garibaldi"],
        "towns": ["20121 Milano", "00184 Roma", "10121 Torino"],
        "months": [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        "currency": ["EUR", "€"],
        "decimal": ",",
    },
}
SELLER_PLACES = ("letterhead", "top_right", "under_heading", "sender_line")
DATE_FORMS = ("numeric", "written", "iso", "number_of_date")
TOTALS = ("one_rate", "two_rates", "column_headers")


def _money(value: float, decimal: str) -> str:
    whole, cents = f"{value:,.2f}".split(".")
    return (whole.replace(",", ".") + "," + cents) if decimal == "," else f"{whole}.{cents}"


def _with_currency(amount: str, cur: str, rng: random.Random) -> str:
    if cur in ("$", "£") or (cur == "€" and rng.random() < 0.5):
        return f"{cur}{amount}" if cur != "€" else f"{amount} €"
    return f"{amount} {cur}" if rng.random() < 0.7 else f"{cur} {amount}"


def make_invoice(rng: random.Random) -> tuple[dict, dict, list]:
    """One invoice: its choices, its truth and its drawing as (x, y, size, bold, text) lines."""
    lang = rng.choice(list(LANG))
    L = LANG[lang]
    choice = {
        "language": lang,
        "seller": rng.choice(SELLER_PLACES),
        "date_form": rng.choice(DATE_FORMS if lang == "de" else DATE_FORMS[:3]),
        "totals": rng.choice(TOTALS),
    }
    vendor = f"{rng.choice(L['words'])} {rng.choice(L['trades'])} {rng.choice(L['forms'])}"
    buyer = f"{rng.choice(L['words'])} {rng.choice(L['trades'])} {rng.choice(L['forms'])}"
    if buyer == vendor:
        buyer = "Kunde " + buyer
    street = f"{rng.choice(L['streets'])} {rng.randint(1, 99)}"
    town = rng.choice(L["towns"])
    number = rng.choice(
        [
            f"{rng.randint(2019, 2025)}-{rng.randint(1, 999):03d}",
            f"INV{rng.randint(10000, 99999)}",
            f"{rng.randint(1000, 99999)}",
            f"R-{rng.randint(100, 9999)}/{rng.randint(20, 25)}",
        ]
    )
    day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
    cur = rng.choice(L["currency"])
    code = {"€": "EUR", "£": "GBP", "$": "USD"}.get(cur, cur)
    dec = L["decimal"] if rng.random() < 0.85 else ("." if L["decimal"] == "," else ",")
    if lang == "en" and code == "EUR":
        dec = "."
    nd = (
        day.strftime("%d.%m.%Y")
        if lang in ("de",)
        else (day.strftime("%m/%d/%Y") if code == "USD" else day.strftime("%d/%m/%Y"))
    )
    if choice["date_form"] == "written":
        ds = f"{day.day} {L['months'][day.month - 1]} {day.year}"
        if lang == "en" and code == "USD":
            ds = f"{L['months'][day.month - 1]} {day.day}, {day.year}"
    elif choice["date_form"] == "iso":
        ds = day.isoformat()
    else:
        ds = nd
    lines: list = []
    y = 20.0

    def put(x, text, size=10, bold=False, dy=6.0):
        nonlocal y
        lines.append((x, y, size, bold, text))
        y += dy

    seller_block = [vendor, street, town]
    place = choice["seller"]
    if place == "letterhead":
        put(15, vendor, 18, True, 9)
        put(15, f"{street} · {town}", 9)
        y += 6
    elif place == "top_right":
        top = y
        for i, t in enumerate(seller_block):
            lines.append((125, top + i * 5.5, 11 if i == 0 else 9, i == 0, t))
        y += 22
    elif place == "sender_line":
        put(15, f"{vendor} · {street} · {town}", 7, False, 8)
    heading_y = y
    put(15, rng.choice(L["buyer"]), 9, True, 5)
    for t in (buyer, f"{rng.choice(L['streets'])} {rng.randint(1, 99)}", rng.choice(L["towns"])):
        put(15, t, 10, False, 5)
    if place == "under_heading":
        for i, t in enumerate([rng.choice(L["seller"]), *seller_block]):
            lines.append((120, heading_y + i * 5.0, 9 if i == 0 else 10, i == 0, t))
    y += 8
    put(15, rng.choice(L["title"]), 15, True, 9)
    if choice["date_form"] == "number_of_date":
        put(15, f"Rechnung Nr. {number} vom {nd}", 10)
    else:
        put(15, f"{rng.choice(L['number'])} {number}", 10)
        put(15, f"{rng.choice(L['date'])} {ds}", 10)
    y += 6
    d = L["desc"]
    lines.append((15, y, 9, True, d[0]))
    lines.append((100, y, 9, True, d[1]))
    lines.append((125, y, 9, True, d[2]))
    lines.append((165, y, 9, True, d[3]))
    y += 6
    items = []
    for _ in range(rng.randint(1, 4)):
        qty, price = rng.randint(1, 9), rng.randint(500, 90000) / 100
        items.append((f"{rng.choice(L['trades'])} {rng.randint(1, 99)}", qty, price))
    rates = [rng.choice([19, 20, 21, 22, 10, 7])]
    if choice["totals"] == "two_rates":
        rates.append(rng.choice([5, 7, 9, 10]))
    net_by_rate = defaultdict(float)
    for i, (name, qty, price) in enumerate(items):
        amount = round(qty * price, 2)
        net_by_rate[rates[i % len(rates)]] += amount
        lines.append((15, y, 10, False, name))
        lines.append((100, y, 10, False, str(qty)))
        lines.append((125, y, 10, False, _money(price, dec)))
        lines.append((165, y, 10, False, _money(amount, dec)))
        y += 6
    y += 4
    net = round(sum(net_by_rate.values()), 2)
    taxes = {r: round(v * r / 100, 2) for r, v in net_by_rate.items()}
    total = round(net + sum(taxes.values()), 2)
    tax_word = rng.choice(L["tax"])
    if choice["totals"] == "column_headers":
        heads = [rng.choice(L["net"]), tax_word, rng.choice(L["gross"])]
        for x, t in zip((95, 130, 165), heads, strict=True):
            lines.append((x, y, 9, True, t))
        y += 6
        for x, v in zip((95, 130, 165), (net, sum(taxes.values()), total), strict=True):
            lines.append((x, y, 10, False, _money(v, dec)))
        y += 6
        lines.append((120, y + 4, 9, False, f"{code}"))
    else:
        lines.append((110, y, 10, False, rng.choice(L["net"])))
        lines.append((165, y, 10, False, _money(net, dec)))
        y += 6
        for r in sorted(taxes, reverse=True):
            lines.append((110, y, 10, False, f"{tax_word} {r}%"))
            lines.append((165, y, 10, False, _money(taxes[r], dec)))
            y += 6
        lines.append((110, y, 11, True, rng.choice(L["gross"])))
        lines.append((165, y, 11, True, _with_currency(_money(total, dec), cur, rng)))
        y += 8
    if place in ("sender_line", "top_right") or rng.random() < 0.4:
        lines.append((15, 275, 7, False, f"{vendor} · {street} · {town}"))
    truth = {
        "vendor": vendor,
        "invoice_number": number,
        "date": day.isoformat(),
        "currency": code,
        "total": total,
    }
    return choice, truth, lines


def draw(lines: list, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    if FONT.exists() and FONT_BOLD.exists():
        pdf.add_font("body", "", str(FONT))
        pdf.add_font("body", "B", str(FONT_BOLD))
        family = "body"
    else:
        family = "Helvetica"
    for x, y, size, bold, text in lines:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.text(x, y, text)
    pdf.output(str(path))


def _score(args) -> tuple[dict, dict]:
    path, truth = args
    pages = tasks.extract_task(path, "application/pdf", [1], ExtractOptions())
    result = run_processor("auto", pages, ProcessorOptions(), path)
    fields = result["fields"]
    return {f: bool(matches(f, fields.get(f), truth[f])) for f in FIELDS}, fields


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--out", help="keep the generated PDFs here")
    ap.add_argument("--misses", action="store_true", help="list every wrong field")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="invoice-variants-"))
    out.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(args.count):
        choice, truth, lines = make_invoice(rng)
        path = out / f"variant-{i:03d}.pdf"
        draw(lines, path)
        docs.append((choice, truth, str(path)))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2, initializer=tasks.worker_init) as pool:
        scored = list(pool.map(_score, [(p, t) for _c, t, p in docs]))
    by_dim: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_field = defaultdict(lambda: [0, 0])
    for (choice, truth, path), (right, got) in zip(docs, scored, strict=True):
        for f in FIELDS:
            by_field[f][0] += right[f]
            by_field[f][1] += 1
            for dim, value in choice.items():
                by_dim[(dim, value)][0] += right[f]
                by_dim[(dim, value)][1] += 1
            if args.misses and not right[f]:
                print(f"  - {Path(path).name} {choice}: {f} got {got.get(f)!r} want {truth[f]!r}")
    n = sum(v[1] for v in by_field.values())
    print(f"generated invoices: {args.count} (seed {args.seed}), five core fields")
    for f, (r, t) in by_field.items():
        print(f"  {f:16s} {r:4d}/{t:<4d} {100 * r / t:5.1f}%")
    print(
        f"  {'all':16s} {sum(v[0] for v in by_field.values()):4d}/{n:<4d} "
        f"{100 * sum(v[0] for v in by_field.values()) / n:5.1f}%"
    )
    print("by choice (fields right):")
    for (dim, value), (r, t) in sorted(by_dim.items()):
        print(f"  {dim:10s} {value:16s} {r:4d}/{t:<4d} {100 * r / t:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
