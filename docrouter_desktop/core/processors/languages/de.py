"""German: the words of invoices and receipts in German (``table`` has the notation)."""

from docrouter_desktop.core.processors.languages.table import Language, combine

TABLE = Language(
    code="de",
    name="German",
    day_first=True,
    guess_words=(
        "rechnung", "datum", "betrag", "summe", "mwst", "ust", "steuer", "gesamt", "und", "der",
        "die", "das", "für", "bitte", "zahlbar",
    ),
    # -- dates
    months=(
        ("januar", "jänner"), ("februar",), ("märz", "maerz", "mär"), ("april",), ("mai",),
        ("juni",), ("juli",), ("august",), ("september",), ("oktober", "okt"), ("november",),
        ("dezember", "dez"),
    ),
    ordinal_suffixes=(),
    month_connectors=(),
    year_connectors=(),
    title_date_connectors=("vom",),
    date_words=("datum",),
    invoice_date_labels=(
        "rechnungsdatum", "belegdatum", "ausstellungsdatum", "datum der rechnung",
    ),
    date_lead_words=(),
    date_link_words=(),
    not_invoice_date_words=(
        "fällig", "bestell", "liefer", "versand", "zahlung", "zeitraum", "leistung", "bis",
        "von",
    ),
    due_date_labels=(
        "fällig", "fälligkeitsdatum", "fällig am", "fällig bis", "zahlbar bis", "zahlungsziel",
    ),
    receipt_date_labels=("datum",),
    receipt_date_abbreviations=(),
    # -- the invoice's title and number
    invoice_words=("rechnung",),
    invoice_word_variants=(),
    invoice_titles=("*rechnung",),
    credit_note_titles=("gutschrift",),
    credit_note_words=("gutschrift", "rechnungskorrektur", "stornorechnung"),
    credit_note_standalone_words=(),
    heading_words=("seite", "angebot"),
    name_affix_titles=("gutschrift", "quittung"),
    invoice_mentions=("rechnung",),
    number_labels=(
        *combine(("rechnung -", "rechnungs -"), ("nummer", "nr", "nr.", "no", "no.")),
        *combine(("beleg -",), ("nr", "nr.")),
        *combine(("gutschrift -",), ("nr", "nr.", "nummer")),
    ),
    number_abbreviations=("nr", "nr."),
    number_words=("nr", "nr.", "nummer"),
    number_label_fillers=("nr", "nr."),
    # -- totals and tax of an invoice
    balance_left_labels=('restbetrag', 'noch zu zahlen', 'verbleibender betrag', 'offener betrag', 'zu zahlen', 'zahlbetrag', 'restzahlung'),
    prepayment_labels=('anzahlung', 'bereits bezahlt', 'bereits gezahlt', 'abschlagszahlung', 'vorauszahlung', 'geleistete anzahlung', 'erhaltene anzahlung'),
    amount_due_labels=(),
    gross_total_labels=(
        "gesamtbetrag", "rechnungsbetrag", "endbetrag", "bruttobetrag", "bruttosumme",
        "gesamtsumme", "zu zahlen", "zahlbetrag", "summe brutto", "brutto summe",
        "rechnungssumme",
    ),
    total_including_labels=(),
    including_reach=0,
    total_labels=("summe", "gesamt"),
    not_total_labels=(
        "zwischensumme", "summe netto", "nettobetrag", "total mwst", "rabatt", "zuschläg",
        "abschläg", "anzahlung", "skonto",
        *combine(("summe", "betrag"), ("ohne", "exkl", "excl", "netto")),
        "ohne ust", "ohne mwst", "vorauszahlung",
    ),
    subtotal_labels=(
        "zwischensumme", "summe netto", "nettobetrag", "netto betrag", "gesamt netto",
        "nettosumme",
        *combine(
            ("summe", "rechnungssumme"),
            ("ohne", "exkl", "exkl.", "excl", "excl."),
            ("ust", "ust.", "mwst", "mwst."),
        ),
    ),
    subtotal_prefixes=("zwischen",),
    tax_label_prefixes=(),
    tax_label_names=("mwst", "mwst.", "ust", "ust.", "umsatzsteuer", "mehrwertsteuer"),
    tax_label_suffixes=("betrag",),
    tax_amount_labels=(
        "steuerbetrag",
        *(
            f"{tax}{dot}{dash}betrag"  # "USt.-Betrag", "MwStbetrag": no space between
            for tax in ("ust", "mwst")
            for dot in ("", ".")
            for dash in ("", "-")
        ),
    ),
    tax_registration_labels=("ust id", "ust -id"),
    tax_marks=("mwst", "ust"),
    total_marks=("summe", "gesamt"),
    # -- the seller and the buyer
    buyer_headings=("rechnungsempfänger", "lieferanschrift", "kunde", "empfänger"),
    seller_headings=("verkäufer", "lieferant"),
    seller_phrases=("verkauft von", "kontoinhaber", "begünstigter"),
    legal_notice_words=("mit sitz", "vorstand", "geschäftsführ", "handelsregister"),
    not_name_words=("ust", "seite"),
    address_stop_words=("ust", "rechnung"),
    vat_id_labels=(
        *combine(
            ("ust -", "ust. -", "umsatzsteuer -"),
            ("id", "idnr", "idnr.", "id - nr", "id - nr.", "ident - nr", "ident - nr.", "identnr",
             "identnr.", "id - nummer", "identifikationsnummer"),
        ),
        "uid", "uid - nr", "uid - nr.", "uid - nummer", "mwst", "mwst.", "mwst - nr", "mwst. - nr",
        "mwst - nr.", "mwst. - nr.", "mwst - nummer",
    ),
    vat_id_buyer_words=("ihre", "kunden", "käufer", "empfänger", "leistungsempfänger"),
    # -- line items
    column_description=("beschreibung", "bezeichnung", "artikel", "leistung"),
    column_quantity=("menge", "anzahl"),
    column_unit_price=("preis", "einzelpreis", "stückpreis"),
    column_amount=("betrag", "gesamt", "gesamtpreis", "summe"),
    line_items_end=("zwischensumme", "mwst"),
    # -- routing
    cue_invoice_labels=combine(("rechnung -", "rechnungs -"), ("nr", "nummer", "datum")),
    cue_customer=("rechnungsempf", "kunden - nr", "kunden - name"),
    cue_payment_terms=("zahlungsziel", "zahlbar", "fällig"),
    cue_registration=("ust - id", "steuer - nr", "steuernummer", "handelsregister", "beleg - nr"),
    cue_bank=("bankverbindung",),
    cue_subtotal=("zwischensumme", "nettobetrag"),
    cue_booking=("buchungs - nr",),
    cue_cash=(),
    cue_change=(),
    cue_rounding=(),
    cue_cashier=("kasse",),
    cue_thanks=("vielen dank",),
    cue_receipt_title=(),
    cue_receipt_title_stems=("quittung", "kassenbon"),
    cue_item_counts=(),
    cue_sales_tax=(),
    # -- receipts
    tax_acronyms=("mwst",),
    tax_words=(),
    till_tax_labels=(),
    till_tax_id_labels=(),
    till_tax_reference_labels=(),
    till_not_tax_words=(),
    till_not_tax_labels=(),
    till_tax_suffixes=(),
    tax_summary_titles=(),
    tax_summary_headers=(),
    receipt_total_labels=("gesamtbetrag", "summe"),
    receipt_plain_total_labels=(),
    receipt_not_total_labels=(),
    receipt_not_total_words=(),
    receipt_subtotal_labels=(),
    paid_labels=("bar",),
    change_labels=("rückgeld",),
    rounding_words=(),
    rounding_adjustment_labels=(),
    shop_header_stops=(),
    shop_name_skip=(),
    shop_words=(),
    business_words=("bäckerei", "apotheke", "metzgerei", "getränke"),
    street_words=("strasse", "straße", "weg"),
    country_names=("deutschland",),
    # -- payment details
    payment_reference_labels=(
        "referenz", "referenznummer", "zahlungsreferenz", "gläubigerreferenz",
    ),
    remittance_labels=("verwendungszweck", "zahlungsreferenz", "zahlungsgrund"),
    payee_labels=(
        "kontoinhaber", "empfänger", "zahlungsempfänger", "begünstigter", "zahlbar an",
        "konto / zahlbar an",
    ),
)  # fmt: skip
