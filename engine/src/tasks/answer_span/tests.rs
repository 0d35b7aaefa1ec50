use super::*;
use crate::text::relative;
use crate::memory::date::timestamp;

fn ask_of<'a>(question: &'a str, terms: &'a [Term], times: &'a [(String, When)]) -> Ask<'a> {
    // As memory QA reads it: a question that asks for a name is a `who`.
    let kind = if crate::lexicon::asks_name(question) { Some("who") } else { crate::lexicon::question_kind(question) };
    Ask { question, terms, kind, written: timestamp(2030, 3, 9), times, lang: "en", next: None }
}

fn answer(question: &str, sentence: &str) -> Option<String> {
    let terms = super::super::evidence::query_terms(question, &[]);
    let times: Vec<(String, When)> = relative::relative_in(sentence, timestamp(2030, 3, 9).unwrap()).into_iter().map(|r| (sentence[r.start..r.end].to_string(), r.when)).collect();
    span(sentence, &ask_of(question, &terms, &times))
}

#[test]
fn when_gets_the_resolved_day() {
    // Saturday 9 March 2030.
    assert_eq!(answer("When did Tamsin visit the glassworks?", "Tamsin: I visited the glassworks yesterday, so much fire!").as_deref(), Some("8 March 2030"));
    assert_eq!(answer("When did Tamsin start the pottery course?", "I started a pottery course last week.").as_deref(), Some("the week before 9 March 2030"));
    assert_eq!(answer("When did Tomasz move to Gdynia?", "Tomasz moved to Gdynia in 2019 after the shipyard job.").as_deref(), Some("2019"));
    assert_eq!(answer("When is the recital?", "The recital is on 14 April 2030 at the town hall.").as_deref(), Some("14 April 2030"));
    // A date written out before a relative expression answers (the relative one is about something else).
    assert_eq!(answer("When is Mia's birthday?", "Mia: 4 June — she wants a kite this year").as_deref(), Some("4 June"));
    // The weekday the user named stays; a year asked for is the year.
    assert_eq!(answer("When did Tamsin fly the drone?", "Tamsin: We flew the new drone last Thursday.").as_deref(), Some("Thursday, 7 March 2030"));
    assert_eq!(answer("What year did Tomasz buy the dinghy?", "Tomasz bought the dinghy three years ago.").as_deref(), Some("2027"));
    assert_eq!(answer("What year is the recital?", "The recital is on 14 April 2030 at the town hall.").as_deref(), Some("2030"));
    // A day written in another language is said in the question's, its year from when it was written.
    assert_eq!(answer("When is the fair?", "Mässan öppnar den 2 maj i Älvsjö.").as_deref(), Some("2 May 2030"));
    assert_eq!(answer("When is the fair?", "Mässan öppnar den 2 februari.").as_deref(), Some("2 February 2031"));
    // No time in the sentence: the day it was written.
    assert_eq!(answer("When did Tamsin adopt the rabbit?", "We adopted a rabbit, she's called Pumpernickel.").as_deref(), Some("9 March 2030"));
}

#[test]
fn what_gets_the_words_after_the_question() {
    assert_eq!(answer("What did Tamsin research?", "Tamsin: Researching lighthouse keepers - it's been a hobby for years.").as_deref(), Some("lighthouse keepers"));
    assert_eq!(answer("Which seats did we get on the ferry?", "ferry booked, seats 31A + 31B").as_deref(), Some("31A + 31B"));
    assert_eq!(answer("What race is Tomasz training for?", "Tomasz wants to run the 50 km Kashubian trail race in August.").as_deref(), Some("50 km Kashubian trail race"));
    // A name set beside the head answers for it.
    assert_eq!(answer("Which town is Tomasz's uncle from?", "Tomasz: That clock came from my uncle in his home town, Kartuzy.").as_deref(), Some("Kartuzy"));
    assert_eq!(answer("What dog does Tamsin walk?", "Tamsin: I walk our neighbour's dog, Pemberly, every morning.").as_deref(), Some("Pemberly"));
    // A name question about a thing: the name that holds the word for it.
    assert_eq!(answer("Comment s'appelle l'orchestre où je joue ?", "Concert de l'Orchestre de la Brézolle — on joue Dvořák en mai.").as_deref(), Some("Orchestre de la Brézolle"));
    assert_eq!(answer("What's the name of the quiz team Tamsin joined?", "Tamsin: I joined the Tuesday quiz at the pub, we're the Copper Kettle Team now.").as_deref(), Some("Copper Kettle Team"));
    assert_eq!(answer("Wie heißt der Chor von Tamsin?", "Tamsin singt jetzt im Chor \"Kleine Lerchen\", dienstags.").as_deref(), Some("Chor Kleine Lerchen"));
    // The subject and its verb are not an answer: the sentence stays.
    assert_eq!(answer("What did Tamsin paint?", "Tamsin: I painted it."), None);
    // A label's value after its colon, the space before it as French writes it.
    assert_eq!(answer("What is the reference of my ferry booking?", "Booking reference : 8TRW2K").as_deref(), Some("8TRW2K"));
}

#[test]
fn an_amount_ends_with_its_currency() {
    assert_eq!(answer("How much is the parking permit?", "Permit: 85 € per quarter, paid by card").as_deref(), Some("85 €"));
}

#[test]
fn a_labels_amount_is_after_its_colon() {
    assert_eq!(answer("How many days of leave do I get?", "Lön: 41 000 kr. Leave: 28 days a year.").as_deref(), Some("28 days"));
}

#[test]
fn numbers_written_with_spaces_stay_whole() {
    let q = "How much is the deposit?";
    assert_eq!(answer(q, "Deposition: 24 900 kr, betalas i förskott.").as_deref(), Some("24 900 kr"));
    assert_eq!(answer(q, "Le dépôt est de 1 250 000 € au total.").as_deref(), Some("1 250 000 €"));
}

#[test]
fn who_where_and_how_many_get_the_name_or_the_number() {
    assert_eq!(answer("Who taught Tamsin to sail?", "Tamsin: My uncle Desmond Achterberg taught me to sail.").as_deref(), Some("Desmond Achterberg"));
    assert_eq!(answer("Where did Tamsin go hiking?", "We went hiking in the Tatra Mountains last summer.").as_deref(), Some("Tatra Mountains"));
    assert_eq!(answer("Wo hat Jonas studiert?", "Jonas hat in Freiburg im Breisgau studiert.").as_deref(), Some("Freiburg im Breisgau"));
    // A name with no preposition of place is not taken for a place.
    assert_eq!(answer("Where did Tamsin study?", "Tamsin: BSc Marine Biology - Bangor University, 2012"), None);
    assert_eq!(answer("How many kids does Tomasz have?", "Tomasz has three kids and a very patient dog.").as_deref(), Some("three kids"));
    assert_eq!(answer("How long ago was Tamsin's 30th birthday party?", "We threw my 30th birthday party 6 years ago.").as_deref(), Some("6 years ago"));
    assert_eq!(answer("How much was the boiler repair?", "Boiler repair: £412.50, paid by card").as_deref(), Some("£412.50"));
    assert_eq!(answer("Who is my manager?", "My manager is Dr. Ada Quist (head of unit).").as_deref(), Some("Dr Ada Quist"));
    // One part of the name, when the question asks for it, in its own language.
    assert_eq!(answer("What is my manager's first name?", "My manager is Dr. Ada Quist (head of unit).").as_deref(), Some("Ada"));
    assert_eq!(answer("Wie lautet der Nachname meines Vermieters?", "Mein Vermieter ist Herr Bruno Falk aus Gohlis.").as_deref(), Some("Falk"));
    assert_eq!(answer("Vad heter min tandläkare i förnamn?", "Min tandläkare är Dr Sanna Ekberg på Vasagatan.").as_deref(), Some("Sanna"));
    // A section number is not an amount.
    assert_eq!(answer("How many days of leave do I get?", "§2 Leave: 25 days.").as_deref(), Some("25 days"));
}

#[test]
fn every_week_days_and_the_next_sentence_answer_when() {
    assert_eq!(answer("Which day is choir practice?", "Choir practice on Thursdays at the church hall.").as_deref(), Some("Thursdays"));
    assert_eq!(answer("An welchem Tag ist das Chortraining?", "Chortraining immer mittwochs im Gemeindesaal.").as_deref(), Some("mittwochs"));
    assert_eq!(answer("When is moving day?", "Moving day is Saturday, 15 March 2031.").as_deref(), Some("15 March 2031"));
    let q = "When is the reunion?";
    let terms = super::super::evidence::query_terms(q, &[]);
    let ask = Ask { next: Some("Friday, 3 October 2031, at the old gym."), ..ask_of(q, &terms, &[]) };
    assert_eq!(span("The class reunion is happening!", &ask).as_deref(), Some("3 October 2031"));
    let ask = Ask { kind: Some("where"), next: Some("We meet in Hollowbrook at noon."), ..ask_of(q, &terms, &[]) };
    assert_eq!(span("The class reunion is happening!", &ask).as_deref(), Some("Hollowbrook"));
}

#[test]
fn a_quoted_title_answers_what() {
    assert_eq!(answer("What film did Tamsin watch with her nephew?", "Tamsin: We watched “The Paper Lanterns” twice, he loved the owl.").as_deref(), Some("The Paper Lanterns"));
    assert_eq!(answer("Which song does Tomasz sing in the shower?", "Tomasz: always \"Harbour Lights\" by the Gdynia trio").as_deref(), Some("Harbour Lights"));
    // The question's own quote is not an answer, nor is a quoted remark in lower case.
    assert_ne!(answer("What did Tamsin think of \"Harbour Lights\"?", "I loved \"Harbour Lights\", the ending made me cry.").as_deref(), Some("Harbour Lights"));
    assert_ne!(answer("What did the sign say?", "The sign said \"mind the gap\" in red letters.").as_deref(), Some("mind the gap"));
}

#[test]
fn a_kind_is_answered_by_its_member() {
    assert_eq!(answer("Which instrument does Tamsin play?", "Tamsin: accordion, mostly, and a bit of harp.").as_deref(), Some("accordion"));
    let terms = super::super::evidence::query_terms("Welches Fach unterrichte ich?", &[]);
    let ask = Ask { lang: "de", ..ask_of("Welches Fach unterrichte ich?", &terms, &[]) };
    assert_eq!(span("Seit August unterrichte ich Chemie an der Gesamtschule.", &ask).as_deref(), Some("Chemie"), "{:?} {:?}", ask.kind, terms);
}

/// `How much …?` of a sentence without an amount: the amount in digits said right after it;
/// not a number word of the next sentence (invented).
#[test]
fn how_much_takes_the_amount_said_next() {
    let q = "How much did the piano fetch at the auction?";
    let terms = super::super::evidence::query_terms(q, &[]);
    let ask = Ask { next: Some("A dealer from Wexcombe paid 450 € for it."), ..ask_of(q, &terms, &[]) };
    assert_eq!(span("The piano went under the hammer on Friday!", &ask).as_deref(), Some("450 €"));
    let ask = Ask { next: Some("Two hours of paperwork after."), ..ask_of(q, &terms, &[]) };
    assert_ne!(span("The piano went under the hammer on Friday!", &ask).as_deref(), Some("Two hours"));
}

/// `How long …?` is answered by the number and its unit of time, not by a date's day (invented).
#[test]
fn how_long_takes_the_length_of_time() {
    assert_eq!(answer("How long is the loan of the piano?", "Start: 12 May 2031, for a period of 2 years.").as_deref(), Some("2 years"));
    assert_eq!(answer("Combien de temps dure le prêt du piano ?", "Début : 12 mai 2031, pour une durée de 2 ans.").as_deref(), Some("2 ans"));
}

/// `How far …?` is answered by the number and its unit of distance, decimals too (invented).
#[test]
fn how_far_takes_the_distance() {
    assert_eq!(answer("How far is the hut from the car park?", "From the car park on 3 May we walked about 4,5 km uphill.").as_deref(), Some("4,5 km"));
    assert_eq!(answer("Hur långt vandrade jag till sjön?", "I går, 12 juli, vandrade jag 23 km till sjön.").as_deref(), Some("23 km"));
}
