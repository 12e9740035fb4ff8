package safety_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// shipped is the embedded triage, compiled once.
var shipped = sync.OnceValues(func() (*safety.Classifier, error) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		return nil, err
	}
	return safety.Compile(lib.Triage)
})

func classifier(tb testing.TB) *safety.Classifier {
	tb.Helper()
	c, err := shipped()
	if err != nil {
		tb.Fatal(err)
	}
	if !c.Trained() {
		tb.Fatal("the embedded triage has no trained models")
	}
	return c
}

// class is one kind of text triage must read right, with examples in
// both languages: the way crises are told without the clinical word, and
// the everyday language that must not raise an alarm.
type class struct {
	name string
	want safety.Category
	sev  safety.Severity // the least severity expected; "" for calm texts
	en   []string
	es   []string
}

var classes = []class{
	{"means at hand", safety.SuicideRisk, safety.High,
		[]string{"got a noose from the hardware store", "my grandpas rifle is in the shed and i know the code", "standing on the overpass right now"},
		[]string{"ya compre la soga", "estoy parada en el puente y no me quiero bajar"}},
	{"farewell and finality", safety.SuicideRisk, safety.High,
		[]string{"this is my last text to anyone. tell my mom its not her fault", "i wont be around for christmas", "gave away my dog and wrote everyone letters", "if i dont wake up tomorrow its on purpose"},
		[]string{"les deje cartas a todos, ya no voy a estar manana", "este es mi ultimo mensaje"}},
	{"discourse markers are not negation", safety.SuicideRisk, safety.High,
		[]string{"not gonna lie i want to die", "no lie i want to kill myself", "im not joking i want to be dead"},
		[]string{"no te miento ya no quiero vivir", "no es broma me quiero matar"}},
	{"danger in the last clause", safety.SuicideRisk, safety.High,
		[]string{"work was long and my sister called about thanksgiving and the dog needs the vet and honestly i just want to die"},
		[]string{"hoy fue un dia largo en la chamba, mi jefe me grito, llegue cansado y la neta ya no quiero vivir"}},
	{"danger after a request", safety.SuicideRisk, safety.High,
		[]string{"can you find me a support group, i want to kill myself tonight", "thanks for the tips but i dont want to be alive anymore",
			"what is this line, i want to kill myself tonight", "is this free, im going to jump off a bridge"},
		[]string{"dame consejos, ya no quiero vivir"}},
	{"emoji", safety.SuicideRisk, safety.Possible,
		[]string{"🪢", "⚰️⚰️", "i want to die 🔫"},
		[]string{"me muero 😭🔫", "⚰️"}},
	{"overdose without the word", safety.Overdose, safety.High,
		[]string{"took like 30 tylenol an hour ago and my stomach hurts", "i swallowed the whole bottle of my prescription", "took three times my dose of lithium"},
		[]string{"me tome todo el frasco de rivotril", "me tome 20 pastillas y estoy mareada"}},
	{"violence told in the past or the passive", safety.AbuseDV, safety.High,
		[]string{"got slapped around again last night", "he threw me against the door last night", "my ex said hed kill me if i leave"},
		[]string{"me agarro del cuello contra la pared", "mi esposo me dejo moretones otra vez"}},
	{"stalking and control", safety.AbuseDV, safety.Moderate,
		[]string{"my boyfriend tracks my phone and takes my paycheck", "my ex keeps waiting outside my work"},
		[]string{"mi esposo me revisa el celular y no me deja salir"}},
	{"sexual violence in slang", safety.SexualAssault, safety.High,
		[]string{"my ex SA'd me at a party", "i got r*ped last weekend", "he didnt stop when i said no", "my boss says ill lose my job if i dont sleep with him", "my ex says hell post my nudes if i dont come back"},
		[]string{"abuso de mi cuando estaba dormida", "le dije que no y no paro"}},
	{"children who give an age", safety.ChildAbuse, safety.High,
		[]string{"im 10 and my uncle touches me", "im 12 and mom left us alone for days and theres no food", "a guy online keeps asking for pics and says its our secret, im 13", "im 11 and he said if i tell anyone hell hurt my mom"},
		[]string{"tengo 10 anos y mi tio me toca", "tengo 12 y mi padrastro me pega con el cinturon"}},
	{"harm to others", safety.HarmToOthers, safety.High,
		[]string{"im bringing my dads gun to school tomorrow", "the voices keep telling me to hurt my roommate", "i want to kill him", "my brother is waving a gun at my mom right now"},
		[]string{"voy a llevar la pistola a la escuela manana", "las voces me dicen que lo mate"}},
	{"someone else in danger now", safety.SuicideRisk, safety.High,
		[]string{"my friend posted a goodbye and isnt answering", "my brother says hes going to kill himself tonight"},
		[]string{"mi amiga publico una despedida y no contesta"}},
	{"someone else took something now", safety.Overdose, safety.High,
		[]string{"my little brother just swallowed a bunch of pills"},
		[]string{"mi hermano se tomo un monton de pastillas hace rato"}},
	{"medical emergency in plain words", safety.MedicalEmergency, safety.High,
		[]string{"my dad collapsed and isnt breathing right", "we were in a car crash and his leg is bent wrong", "my chest hurts and my left arm is numb", "my son pulled boiling water on himself and his skin is peeling"},
		[]string{"mi papa se desmayo y no respira bien", "me duele el pecho y el brazo izquierdo"}},
	{"worry without present danger", safety.Helper, "",
		[]string{"im worried about my friend, how can i help her", "my dad has been really down since he lost his job. how do i talk to him"},
		[]string{"estoy preocupada por mi hijo, como lo ayudo"}},
	{"not crises", safety.Benign, "",
		[]string{"is 988 only for suicide?", "doing a school project on suicide prevention", "my mom will kill me if i fail this test lol", "this homework is killing me", "killed it at the game tonight", "how do i cut my bangs without ruining them", "i would never hurt myself"},
		[]string{"mi mama me va a matar si repruebo jaja", "me muero de hambre", "me corte el pelo"}},
	{"distress", safety.Distress, "",
		[]string{"my dad died a year ago today and it still hurts", "im not suicidal just really tired"},
		[]string{"me siento muy sola desde que me mude", "lo intente hace anos, ya estoy mejor"}},
}

// Every class, in both languages: the category, and a severity at least
// the one a crisis of that kind needs.
func TestClasses(t *testing.T) {
	c := classifier(t)
	for _, cl := range classes {
		if len(cl.en) == 0 || len(cl.es) == 0 {
			t.Errorf("class %q needs examples in both languages", cl.name)
		}
		for _, text := range append(append([]string(nil), cl.en...), cl.es...) {
			v := c.Classify(text)
			calm := cl.want == safety.Benign || cl.want == safety.Distress
			switch {
			case calm && v.Crisis():
				t.Errorf("%s: %q raised %s/%s %v", cl.name, text, v.Category, v.Severity, v.Signals)
			case !calm && v.Category != cl.want:
				t.Errorf("%s: %q is %s/%s %v; want %s", cl.name, text, v.Category, v.Severity, v.Signals, cl.want)
			case cl.sev != "" && !v.Severity.AtLeast(cl.sev):
				t.Errorf("%s: %q at %s %v; want at least %s", cl.name, text, v.Severity, v.Signals, cl.sev)
			}
		}
	}
}

// A short reply is read in the light of the line's last message.
func TestContext(t *testing.T) {
	c := classifier(t)
	asked := safety.Prior{Asked: safety.AskedRisk, Category: safety.SuicideRisk}
	safe := safety.Prior{Asked: safety.AskedSafe, Category: safety.SuicideRisk}
	for _, tc := range []struct {
		text  string
		prior safety.Prior
		cat   safety.Category
		sev   safety.Severity // "" for a calm verdict
	}{
		{"yeah", asked, safety.SuicideRisk, safety.High},
		{"kinda", asked, safety.SuicideRisk, safety.High},
		{"a veces", asked, safety.SuicideRisk, safety.High},
		{"no", asked, "", ""},
		{"saturday", safe, safety.SuicideRisk, safety.Imminent},
		{"esta noche", safe, safety.SuicideRisk, safety.Imminent},
		{"already took them", safe, safety.Overdose, safety.Imminent},
		{"i have the rope", safe, safety.SuicideRisk, safety.Imminent},
		{"yeah", safe, "", ""},
		{"saturday", safety.Prior{}, "", ""},
		{"yeah", safety.Prior{}, "", ""},
	} {
		v := c.ClassifyAfter(tc.text, tc.prior)
		switch {
		case tc.sev == "" && v.Crisis():
			t.Errorf("%q after %v raised %s/%s %v", tc.text, tc.prior, v.Category, v.Severity, v.Signals)
		case tc.sev != "" && (v.Category != tc.cat || v.Severity != tc.sev):
			t.Errorf("%q after %v = %s/%s %v; want %s/%s", tc.text, tc.prior, v.Category, v.Severity, v.Signals, tc.cat, tc.sev)
		}
	}
}

// The verdict names the language it was told in, and how likely the
// model thinks a crisis is.
func TestVerdictLanguageAndProbability(t *testing.T) {
	c := classifier(t)
	if v := c.Classify("ya no quiero vivir"); v.Lang != content.Spanish || v.Probability < 0.5 {
		t.Errorf("Spanish crisis: lang %q, probability %.2f", v.Lang, v.Probability)
	}
	if v := c.Classify("i want to kill myself"); v.Lang != content.English || v.Probability < 0.5 {
		t.Errorf("English crisis: lang %q, probability %.2f", v.Lang, v.Probability)
	}
	if v := c.Classify("what are your hours"); v.Crisis() || v.Probability > 0.5 {
		t.Errorf("a question about the line: %+v", v)
	}
}

// The content validates rules by the names it knows; they are the names
// triage reads.
func TestContentNamesTheSameCategories(t *testing.T) {
	var cats []string
	for _, c := range safety.CrisisCategories() {
		cats = append(cats, string(c))
	}
	if !slices.Equal(cats, content.CrisisCategories) {
		t.Errorf("crisis categories: safety %v, content %v", cats, content.CrisisCategories)
	}
	sevs := []string{string(safety.Possible), string(safety.Moderate), string(safety.High), string(safety.Imminent)}
	if !slices.Equal(sevs, content.CrisisSeverities) {
		t.Errorf("crisis severities: safety %v, content %v", sevs, content.CrisisSeverities)
	}
}
