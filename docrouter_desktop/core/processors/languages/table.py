"""The shape of one language's table: the words the processors look for, by what they mean.

Every entry is a phrase in lower case, written as documents print it. When a phrase becomes
part of a pattern (``languages.alternation``):

- a space matches any run of white space or none ("grand total" finds "GrandTotal");
- a lone ``-`` is a hyphen that may be left out ("sub - total": "Sub-Total", "Sub Total");
- an apostrophe matches either apostrophe (``'`` or ``’``);
- an accented letter also matches its plain letter ("fällig" finds "fallig");
- a leading ``*`` lets any word be joined in front ("*rechnung": "Stornorechnung").

Everything else is literal: a dot, ``#`` or ``°`` must be printed. Word lists looked up as
they are (line-item column titles, business words) and the names of the months are compared
letter for letter. A language without a word for a concept leaves it empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

Words = tuple[str, ...]


def combine(*choices: Words) -> Words:
    """Every phrase made of one choice from each group, in order; an empty choice leaves its
    group out: ``combine(("invoice",), ("no", "no."))`` is ``("invoice no", "invoice no.")``."""
    return tuple(" ".join(w for w in combo if w) for combo in product(*choices))


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as DocumentView.language reports it
    name: str
    day_first: bool  # writes 05/03 for the 5th of March
    # Common words of the language, counted to tell which language a document is in (whole
    # words, compared letter for letter). Empty: the language is never the one guessed.
    guess_words: Words

    # -- dates
    months: tuple[Words, ...]  # twelve groups, January first: the names and abbreviations
    ordinal_suffixes: Words  # after the day: "1st", "1er"
    month_connectors: Words  # between the day and the month: "1st of May", "3 de marzo"
    year_connectors: Words  # between the month and the year: "3 de marzo de 2024"
    title_date_connectors: Words  # between a number and its date: "Rechnung 12 vom 5.3.2018"
    date_words: Words  # "Date" on its own as a label (a whole word)
    invoice_date_labels: Words  # "Invoice date", "Rechnungsdatum"
    date_lead_words: Words  # a word right before a date that marks it: "le 05/03/2021"
    date_link_words: Words  # between a number and a date: "n° 12 du 05/03/2021"
    not_invoice_date_words: Words  # near a date, other dates than the invoice's (parts of words)
    due_date_labels: Words
    receipt_date_labels: Words  # a receipt line with its date (parts of words)
    receipt_date_abbreviations: Words  # the same, abbreviated, ending a word: "Dt"

    # -- the invoice's title and number
    invoice_words: Words  # the word for an invoice
    invoice_word_variants: Words  # other words for it in a heading: "tax invoice"
    invoice_titles: Words  # a title its number follows: "Invoice 123", "Stornorechnung 12"
    credit_note_titles: Words
    credit_note_words: Words  # what makes a document a credit note (parts of words)
    credit_note_standalone_words: Words  # the same, as whole words only: "avoir"
    heading_words: Words  # other headings that are not the seller's name: "page", "copy"
    name_affix_titles: Words  # titles cut off the front of a seller's name
    invoice_mentions: Words  # a row that mentions the invoice (parts of words)
    number_labels: Words  # "Invoice no.", "Rechnungsnummer"
    number_abbreviations: Words  # "No.", "Nr.", "#" before a number on an invoice's row
    number_words: Words  # the same after a title or a column title: "Invoice number"
    number_label_fillers: Words  # words between a number's label and the number, skipped

    # -- totals and tax of an invoice
    amount_due_labels: Words  # the balance to pay: "Amount due", "Grand total"
    # What is left to pay after prepayments ("Balance due", "Restbetrag", "Reste à payer"),
    # and the prepayments themselves ("Deposit", "Anzahlung", "Acompte").
    balance_left_labels: Words
    prepayment_labels: Words
    gross_total_labels: Words  # the total with its tax: "Total TTC", "Gesamtbetrag"
    total_including_labels: Words  # a total said to include the tax: "Total incl."
    including_reach: int  # how far such a label reads on (the tax's name, its rate)
    total_labels: Words  # a total of any kind: "Total", "Summe"
    not_total_labels: Words  # totals that are not the amount to pay: "Subtotal", "Total HT"
    subtotal_labels: Words
    subtotal_prefixes: Words  # what turns "total" into a subtotal: "Sub-", "Zwischen"
    tax_label_prefixes: Words  # before the tax's name in its label: "Total VAT"
    tax_label_names: Words  # the tax's name as a label: "VAT", "MwSt."
    tax_label_suffixes: Words  # after it: "VAT amount", "MwSt-Betrag"
    tax_amount_labels: Words  # the tax amount's labels of their own: "Steuerbetrag"
    tax_registration_labels: Words  # a tax number, not a tax amount: "VAT no", "USt-Id"
    tax_marks: Words  # a label that names the tax (parts of words)
    total_marks: Words  # a row that names a total (parts of words)

    # -- the seller and the buyer
    buyer_headings: Words  # the buyer's block: "Bill to", "Rechnungsempfänger", "Kunde"
    seller_headings: Words  # before a colon, the seller's name: "Seller:", "Lieferant:"
    seller_phrases: Words  # the seller's name follows: "sold by", "Kontoinhaber"
    legal_notice_words: Words  # a company's legal notice: "au capital", "Handelsregister"
    not_name_words: Words  # a line at the top with one of these is not the name
    address_stop_words: Words  # a line with one of these ends the seller's address
    vat_id_labels: Words  # a VAT identification number follows: "VAT No", "USt-IdNr."
    vat_id_buyer_words: Words  # beside such a label, the ID is the buyer's: "your", "Kunden"

    # -- line items: the column titles of the table (compared as they are)
    column_description: Words
    column_quantity: Words
    column_unit_price: Words
    column_amount: Words
    line_items_end: Words  # a row that ends the table (parts of words)

    # -- what tells an invoice from a receipt (routing), each cue a group of words
    cue_invoice_labels: Words
    cue_customer: Words
    cue_payment_terms: Words
    cue_registration: Words
    cue_bank: Words
    cue_subtotal: Words
    cue_booking: Words
    cue_cash: Words  # whole words
    cue_change: Words  # whole words
    cue_rounding: Words
    cue_cashier: Words
    cue_thanks: Words
    cue_receipt_title: Words  # whole words
    cue_receipt_title_stems: Words
    cue_item_counts: Words  # whole words
    cue_sales_tax: Words  # whole words

    # -- receipts
    tax_acronyms: Words  # a country's sales tax: "GST", "MwSt", "TVA" (whole words)
    tax_words: Words  # the word tax itself
    till_tax_labels: Words  # the tax line of a till receipt, checking its total
    till_tax_id_labels: Words  # a tax number on a till receipt: "GST ID", "GST Reg No"
    till_tax_reference_labels: Words  # "GST Ref": not a tax amount
    till_not_tax_words: Words  # whole words that make a row not a tax row: "Reg", "ID"
    till_not_tax_labels: Words  # the same, parts of words: "supplies", "total sales"
    till_tax_suffixes: Words  # after the tax's name in its label: "GST payable"
    tax_summary_titles: Words  # the title of a tax summary: "GST Summary"
    tax_summary_headers: Words  # its column titles: "Amount (RM)  Tax"
    receipt_total_labels: Words  # the amount paid: "Grand total", "Total due", "Summe"
    receipt_plain_total_labels: Words  # whole words: "Total", "Amount"
    receipt_not_total_labels: Words  # a line that is not the total (parts of words)
    receipt_not_total_words: Words  # the same, whole words: "Items"
    receipt_subtotal_labels: Words
    paid_labels: Words  # the amount handed over: "Cash", "Card" (whole words)
    change_labels: Words  # the change given back: "Change", "Rückgeld" (whole words)
    rounding_words: Words  # "Rounding", "Rounded" (whole words, or the rounded total)
    rounding_adjustment_labels: Words  # "Rounding adj."
    shop_header_stops: Words  # a line of the receipt's header after the shop (whole words)
    shop_name_skip: Words  # a line at the top that is not the shop's name (parts of words)
    shop_words: Words  # a shop's name with one of these names a business (whole words)
    business_words: Words  # kinds of business, whose OCR slips are read back (as they are)
    street_words: Words  # an address line (whole words): "Road", "Jalan", "Straße"
    country_names: Words  # a line of its own closing an address

    # -- payment details (payment.py); IBAN, BIC and SWIFT are the same in every language
    # A payment reference's label, whatever follows it: "Reference", "Referenz" (whole words).
    payment_reference_labels: Words = ()
    # The text after one of these is the remittance text to quote: "Verwendungszweck".
    remittance_labels: Words = ()
    # The account holder to pay follows: "Account holder", "Kontoinhaber" (whole words).
    payee_labels: Words = ()
