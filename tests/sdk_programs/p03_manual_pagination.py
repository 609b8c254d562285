"""Walk the list of jobs page by page, as the SDK's README shows: has_next_page / next_page_info / get_next_page."""

from openai import OpenAI

client = OpenAI()
created = [client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"file-page-{n}").id for n in range(5)]

page = client.fine_tuning.jobs.list(limit=2)
pages = 1
seen = [job.id for job in page.data]
print("first page", len(page.data), "has_more", page.has_more)
while page.has_next_page():
    info = page.next_page_info()
    print("next page", info)
    page = page.get_next_page()
    pages += 1
    seen += [job.id for job in page.data]
print("pages", pages, "jobs", len(seen), "newest first", seen == list(reversed(created)))
print("last page info", page.next_page_info())
